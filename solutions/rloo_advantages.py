"""Reference solution: RLOO's leave-one-out advantages."""

import torch


def rloo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    # rewards (G, n): each row is one prompt's group of n sampled responses.
    n = rewards.shape[-1]
    if n < 2:  # no other response to compare with: no signal (TRL's RLOOTrainer gives 0 too)
        return torch.zeros_like(rewards)
    # The mean of the other n - 1 rewards does not depend on response i, so the baseline keeps the
    # policy gradient unbiased (the group mean, GRPO's, includes r_i and shrinks it by (n - 1) / n).
    others = (rewards.sum(dim=-1, keepdim=True) - rewards) / (n - 1)
    return rewards - others
