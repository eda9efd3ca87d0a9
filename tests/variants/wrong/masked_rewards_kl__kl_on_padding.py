# exercise: masked_rewards_kl
# expect: kl_on_padding
# why: the KL penalty is not masked: padding positions pay it too
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    rewards = -kl_ctl * (old_logprobs - ref_logprobs)
    n = mask.sum(1).long()
    for i in range(rewards.shape[0]):
        if n[i] > 0:
            rewards[i, n[i] - 1] += reward[i, 0]
    return rewards
