# exercise: rloo_advantages
# style: verl's formula (compute_rloo_outcome_advantage, b178a3c), vectorised: r n/(n-1) - mean n/(n-1), and 0
#   for a group of one (where verl's loop leaves r, the contract asks 0)
import torch


def rloo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    n = rewards.size(-1)
    if n == 1:
        return rewards * 0
    mean = rewards.mean(dim=-1, keepdim=True)
    return rewards * n / (n - 1) - mean * n / (n - 1)
