# exercise: grpo_advantages
# expect: none
# near: eps
# why: an eps of 0.1 hard-coded: it shrinks every advantage by a visible factor std / (std + 0.1)
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    centred = rewards - rewards.mean(-1, keepdim=True)
    if not scale or rewards.shape[-1] < 2:
        return centred
    return centred / (rewards.std(-1, keepdim=True) + 0.1)
