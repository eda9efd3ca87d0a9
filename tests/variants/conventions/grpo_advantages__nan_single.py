# exercise: grpo_advantages
# misses: group_of_one
# expect: adv_nan_degenerate
# why: no n = 1 guard: torch.std of one value is NaN
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    c = rewards - rewards.mean(-1, keepdim=True)
    return c / (rewards.std(-1, keepdim=True) + eps) if scale else c
