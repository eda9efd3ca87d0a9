# exercise: compute_rewards_kl
# expect: reward_overwrites_kl
# why: the last column assigned with torch.cat, dropping its penalty
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    penalty = -kl_ctl * (old_logprobs - ref_logprobs)
    return torch.cat([penalty[:, :-1], reward.to(penalty.dtype)], dim=1)
