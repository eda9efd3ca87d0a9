# exercise: grpo_advantages
# expect: adv_wrong_axis
# why: the mean is per group but the std over dim 0 (across prompts)
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    c = rewards - rewards.mean(dim=1, keepdim=True)
    if not scale:
        return c
    if rewards.shape[1] < 2:
        return torch.zeros_like(rewards)
    return c / (rewards.std(dim=0, keepdim=True) + eps)
