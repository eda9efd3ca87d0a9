# exercise: masked_rewards_kl
# expect: score_not_added
# why: the masked KL penalty, no score
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    return torch.where(mask.bool(), -kl_ctl * (old_logprobs - ref_logprobs), torch.zeros_like(old_logprobs))
