# exercise: masked_rewards_kl
# misses: empty
# expect: empty_row_scored
# why: index mask.sum() - 1 is -1 for a row with no real token: its score lands on the last column
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask
    last = mask.sum(1).long() - 1
    rewards[torch.arange(rewards.shape[0]), last] += reward[:, 0]
    return rewards
