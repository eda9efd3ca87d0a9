# exercise: masked_rewards_kl
# misses: score_position
# expect: score_off_by_one
# why: index mask.sum() (the first padding position), clamped to the last column for full rows
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask
    idx = mask.sum(1).long().clamp(max=mask.shape[1] - 1)
    has = mask.sum(1) > 0
    return rewards.scatter_add(1, idx[:, None], (reward * has[:, None]).to(rewards.dtype))
