# exercise: rloo_advantages
# expect: rloo_sign_flipped
# why: the drill's style 1 of rloo_sign_flipped, as a whole submission
import torch


def rloo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    n = rewards.shape[1]
    if n == 1:
        return torch.zeros_like(rewards)
    mean = rewards.mean(dim=1, keepdim=True)
    # how far below the group the response is, rescaled for leave-one-out
    return (mean - rewards) * n / (n - 1)
