# exercise: rloo_advantages
# The baseline as a matrix product: each column of (1 - I) / (n - 1) averages the others.
import torch


def rloo_advantages(rewards):
    n = rewards.shape[-1]
    if n < 2:  # (1 - I) would be 0 there: the baseline 0, A = r
        return torch.zeros_like(rewards)
    eye = torch.eye(n, dtype=rewards.dtype, device=rewards.device)
    weights = (1 - eye) / (n - 1)
    return rewards - rewards @ weights
