# exercise: masked_rewards_kl
# expect: score_past_end
# why: the score indexed at mask.sum(): one past the end, IndexError on a full row
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask
    lengths = mask.sum(dim=1).long()
    rows = torch.nonzero(lengths > 0).flatten()
    rewards[rows, lengths[rows]] += reward[rows, 0].to(rewards.dtype)
    return rewards
