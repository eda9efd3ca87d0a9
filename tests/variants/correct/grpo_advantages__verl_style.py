# exercise: grpo_advantages
# verl's way of guarding n = 1: std 1 for a one-sample group (its centred reward is 0, so A = 0).
import torch


def grpo_advantages(rewards: torch.Tensor, scale: bool = True, eps: float = 1e-6) -> torch.Tensor:
    mean = rewards.mean(dim=-1).unsqueeze(-1)
    if rewards.size(-1) == 1:
        std = torch.ones_like(mean)
    else:
        std = rewards.std(dim=-1).unsqueeze(-1)
    centered = rewards - mean
    return centered / (std + eps) if scale else centered
