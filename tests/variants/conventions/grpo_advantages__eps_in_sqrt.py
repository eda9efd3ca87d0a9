# exercise: grpo_advantages
# misses: eps
# expect: adv_eps_in_sqrt
# why: the layer-norm habit, sqrt(var + eps)
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    c = rewards - rewards.mean(-1, keepdim=True)
    if not scale:
        return c
    if rewards.shape[-1] < 2:
        return torch.zeros_like(rewards)
    return c / torch.sqrt(rewards.var(-1, keepdim=True) + eps)
