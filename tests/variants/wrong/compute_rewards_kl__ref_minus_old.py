# exercise: compute_rewards_kl
# expect: kl_sign_flipped
# why: the penalty as -kl_ctl * (ref - old)
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    rewards = -kl_ctl * (ref_logprobs - old_logprobs)
    last = torch.zeros_like(rewards)
    last[:, -1] = reward[:, 0]
    return rewards + last
