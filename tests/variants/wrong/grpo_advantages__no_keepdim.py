# exercise: grpo_advantages
# expect: adv_no_keepdim
# why: torch.std_mean without keepdim: broadcasts along the rows
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    if rewards.shape[-1] < 2:
        return torch.zeros_like(rewards)
    std, mean = torch.std_mean(rewards, dim=-1)
    return (rewards - mean) / (std + eps) if scale else rewards - mean
