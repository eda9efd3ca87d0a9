# exercise: grpo_advantages
# expect: adv_scale_ignored
# why: the scale flag is never read
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    if rewards.shape[-1] < 2:
        return torch.zeros_like(rewards)
    return (rewards - rewards.mean(-1, keepdim=True)) / (rewards.std(-1, keepdim=True) + eps)
