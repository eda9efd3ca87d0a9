# exercise: grpo_advantages
# torch.std_mean with correction=1, NaN of n = 1 replaced by 0 (its numerator is exactly 0 there).
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    std, mean = torch.std_mean(rewards, dim=1, keepdim=True, correction=1)
    if not scale:
        return rewards - mean
    return torch.nan_to_num((rewards - mean) / (std + eps), nan=0.0) if rewards.shape[1] == 1 \
        else (rewards - mean) / (std + eps)
