# exercise: masked_rewards_kl
# expect: masked_kl_sign_flipped
# why: +kl_ctl * (old - ref): a bonus for drifting
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    rewards = kl_ctl * (old_logprobs - ref_logprobs) * mask
    n = mask.sum(-1).long()
    idx = (n - 1).clamp(min=0)
    score = torch.where(n > 0, reward[:, 0], torch.zeros_like(reward[:, 0])).to(rewards.dtype)
    return rewards.scatter_add(1, idx[:, None], score[:, None]) if rewards.shape[1] else rewards
