# exercise: masked_rewards_kl
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    # the last 1 of each row, as old TRL finds it: the first 1 of the flipped mask
    rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask
    if mask.shape[1] == 0:
        return rewards
    T = mask.shape[1]
    last = T - 1 - mask.flip(1).argmax(1)
    has = mask.sum(1) > 0
    out = rewards.clone()
    out[has, last[has]] += reward[has, 0]
    return out
