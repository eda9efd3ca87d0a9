# exercise: rloo_advantages
# expect: rloo_includes_self
# why: the group mean as the baseline (GRPO's centring): response i is in its own baseline
import torch


def rloo_advantages(rewards):
    if rewards.shape[-1] < 2:
        return torch.zeros_like(rewards)
    return rewards - rewards.mean(dim=-1, keepdim=True)
