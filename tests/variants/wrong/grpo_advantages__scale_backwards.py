# exercise: grpo_advantages
# expect: adv_scale_inverted
# why: `if not scale` where `if scale` was meant
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    a = rewards - rewards.mean(-1, keepdim=True)
    if not scale and rewards.shape[-1] > 1:
        a = a / (rewards.std(-1, keepdim=True) + eps)
    return a
