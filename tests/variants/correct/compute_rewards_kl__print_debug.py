# exercise: compute_rewards_kl
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    print("kl_ctl =", kl_ctl, "shapes", tuple(reward.shape), tuple(old_logprobs.shape))
    rewards = kl_ctl * (ref_logprobs - old_logprobs)
    rewards[:, -1] = rewards[:, -1] + reward.flatten()
    print(rewards)
    return rewards
