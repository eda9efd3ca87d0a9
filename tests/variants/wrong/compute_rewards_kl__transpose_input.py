# exercise: compute_rewards_kl
# expect: input_mutated
# why: an input transposed in place (t_)
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    ref_logprobs.t_()  # the caller's tensor now has swapped strides and shape
    rewards = -kl_ctl * (old_logprobs - ref_logprobs.t())
    rewards[:, -1] += reward[:, 0]
    return rewards
