"""Reference solution: GRPO's group-relative advantages."""

import torch


def grpo_advantages(rewards: torch.Tensor, scale: bool = True, eps: float = 1e-6) -> torch.Tensor:
    # rewards (G, n): each row is one prompt's group of n sampled responses.
    centered = rewards - rewards.mean(dim=-1, keepdim=True)
    if not scale:  # Dr. GRPO: centering only
        return centered
    if rewards.shape[-1] < 2 or rewards.numel() == 0:  # one sample (or none): no spread to measure, A is 0
        return torch.zeros_like(rewards)  # (torch.std would be NaN, and warn about its degrees of freedom)
    std = rewards.std(dim=-1, keepdim=True)  # Bessel-corrected (divides by n - 1), as TRL and verl
    return centered / (std + eps)  # eps outside the square root: equal rewards give 0 / eps = 0
