# exercise: grpo_advantages
# expect: adv_not_centered
# why: divided by the std but never centred
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    if not scale:
        return rewards - rewards.mean(-1, keepdim=True)
    if rewards.shape[-1] < 2:
        return torch.zeros_like(rewards)
    return rewards / (rewards.std(-1, keepdim=True) + eps)
