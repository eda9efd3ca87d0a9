# exercise: rloo_advantages
# expect: rloo_baseline_returned
# why: the drill's style 1 of rloo_baseline_returned, as a whole submission
import torch


def rloo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    n = rewards.size(1)
    if n == 1:
        return torch.zeros_like(rewards)
    others_mean = (rewards.sum(1, keepdim=True) - rewards) / (n - 1)
    advantages = rewards - others_mean
    return others_mean
