# exercise: masked_rewards_kl
# expect: score_last_column
# near: score_position
# why: the score on column T - 1 (the unpadded exercise's rule), a padding position for short rows
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask
    rewards[:, -1] += reward[:, 0]
    return rewards
