# exercise: grpo_advantages
# expect: adv_population_std
# near: group_of_one
# why: torch.std(unbiased=False), numpy's default, instead of Bessel's n - 1
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    c = rewards - rewards.mean(-1, keepdim=True)
    if not scale:
        return c
    if rewards.shape[-1] < 2:
        return torch.zeros_like(rewards)
    return c / (rewards.std(-1, keepdim=True, unbiased=False) + eps)
