# exercise: compute_rewards_kl
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    rewards = torch.zeros_like(old_logprobs)
    rewards -= kl_ctl * (old_logprobs - ref_logprobs)
    rewards[:, -1:] += reward
    return rewards
