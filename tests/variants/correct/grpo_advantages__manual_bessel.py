# exercise: grpo_advantages
# Bessel's correction written out by hand, n = 1 guarded with a where.
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    n = rewards.shape[-1]
    mean = rewards.sum(-1, keepdim=True) / max(n, 1)
    c = rewards - mean
    if not scale:
        return c
    var = (c * c).sum(-1, keepdim=True) / max(n - 1, 1)
    out = c / (var.sqrt() + eps)
    return torch.where(torch.tensor(n > 1, device=rewards.device), out, torch.zeros_like(out))
