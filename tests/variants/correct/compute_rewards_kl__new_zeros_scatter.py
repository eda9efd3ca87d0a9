# exercise: compute_rewards_kl
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    kl = -kl_ctl * (old_logprobs - ref_logprobs)
    B, T = kl.shape
    extra = kl.new_zeros(B, T)
    extra[:, T - 1] = reward[:, 0]
    return kl + extra
