# exercise: compute_rewards_kl
# expect: input_mutated
# why: an input modified by shape only
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    reward.squeeze_(-1)  # changes the caller's tensor: (B, 1) becomes (B,)
    rewards = -kl_ctl * (old_logprobs - ref_logprobs)
    rewards[:, -1] += reward
    return rewards
