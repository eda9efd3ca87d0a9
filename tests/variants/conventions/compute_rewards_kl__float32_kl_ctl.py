# exercise: compute_rewards_kl
# misses: precision
# expect: lost_precision
# why: kl_ctl rounded to a float32 tensor with float64 inputs
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    coef = torch.as_tensor(kl_ctl, dtype=torch.float32)
    rewards = -coef * (old_logprobs - ref_logprobs)
    rewards[:, -1] += reward[:, 0]
    return rewards
