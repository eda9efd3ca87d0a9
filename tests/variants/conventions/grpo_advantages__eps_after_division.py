# exercise: grpo_advantages
# misses: precision, eps
# expect: adv_eps_misplaced
# why: eps added to the quotient, guarded with nan_to_num so equal rewards still give 0
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    c = rewards - rewards.mean(-1, keepdim=True)
    if not scale:
        return c
    if rewards.shape[-1] < 2:
        return torch.zeros_like(rewards)
    std = rewards.std(-1, keepdim=True)
    return torch.where(std > 0, c / std + eps, torch.zeros_like(c))
