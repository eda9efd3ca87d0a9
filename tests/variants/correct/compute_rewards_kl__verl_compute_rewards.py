# exercise: compute_rewards_kl
# style: verl's core_algos.compute_rewards: token-level scores (the score on the last column here) minus kl * kl_ratio
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    scores = torch.zeros_like(old_logprobs)
    scores[:, -1] = reward[:, 0]
    kl = old_logprobs - ref_logprobs
    return scores - kl * kl_ctl
