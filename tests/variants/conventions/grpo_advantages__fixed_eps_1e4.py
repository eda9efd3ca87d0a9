# exercise: grpo_advantages
# misses: eps
# expect: adv_eps_fixed
# why: TRL's constant 1e-4 in place of the eps argument (the std computed in the rewards' own dtype)
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    centred = rewards - rewards.mean(dim=-1, keepdim=True)
    if not scale or rewards.shape[-1] < 2:
        return centred
    return centred / (rewards.std(dim=-1, keepdim=True) + 1e-4)
