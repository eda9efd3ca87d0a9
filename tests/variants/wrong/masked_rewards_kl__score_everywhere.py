# exercise: masked_rewards_kl
# expect: reward_every_token
# why: the score added to every real token, via expand
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    kl = -kl_ctl * (old_logprobs - ref_logprobs)
    return (kl + reward.expand_as(kl)) * mask
