# exercise: compute_rewards_kl
# expect: reward_not_added
# why: only the KL penalty: reward is never read
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    return kl_ctl * (ref_logprobs - old_logprobs)
