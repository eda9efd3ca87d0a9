# exercise: rloo_advantages
# expect: rloo_std_normalised
# why: GRPO's habit of dividing by the group's std carried over to RLOO
import torch


def rloo_advantages(rewards):
    n = rewards.shape[-1]
    if n < 2:
        return torch.zeros_like(rewards)
    baseline = (rewards.sum(-1, keepdim=True) - rewards) / (n - 1)
    return (rewards - baseline) / (rewards.std(-1, keepdim=True) + 1e-6)
