# exercise: grpo_advantages
# verl's std guard for n = 1 (std 1), but centred on the group's own mean, so A = 0 as the contract asks
# (verl also sets that mean to 0, which gives A = r: wrong_variant grpo_advantages__verl_singleton).
import torch


def grpo_advantages(rewards: torch.Tensor, scale: bool = True, eps: float = 1e-6) -> torch.Tensor:
    mean = rewards.mean(dim=-1).unsqueeze(-1)
    if rewards.size(-1) == 1:
        std = torch.ones_like(mean)
    else:
        std = rewards.std(dim=-1).unsqueeze(-1)
    centered = rewards - mean
    return centered / (std + eps) if scale else centered
