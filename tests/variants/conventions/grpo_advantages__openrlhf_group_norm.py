# exercise: grpo_advantages
# misses: eps, group_of_one
# expect: adv_eps_fixed
# style: OpenRLHF's group normalisation: (r - mean) / (std + 1e-9) per prompt, the eps hard-coded; the std of one
#   sample is NaN
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    centred = rewards - rewards.mean(-1, keepdim=True)
    return centred / (rewards.std(-1, keepdim=True) + 1e-9) if scale else centred
