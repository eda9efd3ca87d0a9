# exercise: rloo_advantages
# expect: rloo_factor_wrong
# why: verl's n / (n - 1) put on the reward only
import torch


def rloo_advantages(rewards):
    n = rewards.shape[-1]
    if n == 1:
        return torch.zeros_like(rewards)
    return rewards * n / (n - 1) - rewards.mean(-1, keepdim=True)
