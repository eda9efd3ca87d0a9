# exercise: masked_rewards_kl
# expect: score_overwrites_kl
# why: `=` instead of `+=`: the last real token loses its KL penalty
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask
    for i in range(rewards.shape[0]):
        n = int(mask[i].sum())
        if n:
            rewards[i, n - 1] = reward[i, 0]
    return rewards
