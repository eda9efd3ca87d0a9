# exercise: rloo_advantages
# expect: rloo_wrong_axis
# why: the leave-one-out mean over dim 0 (the other prompts) instead of the other responses
import torch


def rloo_advantages(rewards):
    g = rewards.shape[0]
    if g < 2:
        return torch.zeros_like(rewards)
    return rewards - (rewards.sum(0, keepdim=True) - rewards) / (g - 1)
