# exercise: masked_rewards_kl
# expect: wrong_estimator_k3
# why: the per-token penalty as k3
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    u = ref_logprobs - old_logprobs
    rewards = -kl_ctl * (torch.expm1(u) - u) * mask
    n = mask.sum(-1).long()
    idx = (n - 1).clamp(min=0)
    score = torch.where(n > 0, reward[:, 0], torch.zeros_like(reward[:, 0])).to(rewards.dtype)
    return rewards.scatter_add(1, idx[:, None], score[:, None]) if rewards.shape[1] else rewards
