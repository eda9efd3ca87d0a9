# exercise: masked_rewards_kl
# expect: argmax_first_index
# why: torch.argmax(mask, 1) taken as the end of each row
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask
    if rewards.shape[1] == 0:
        return rewards
    end = torch.argmax(mask, dim=1)
    has = mask.sum(1) > 0
    add = torch.zeros_like(rewards)
    add[torch.arange(rewards.shape[0])[has], end[has]] = reward[has, 0].to(rewards.dtype)
    return rewards + add
