# exercise: compute_rewards_kl
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    kl = -float(kl_ctl) * (old_logprobs - ref_logprobs)
    T = kl.shape[-1]
    last = torch.arange(T, device=kl.device) == T - 1
    return torch.where(last, kl + reward.to(kl.dtype), kl)
