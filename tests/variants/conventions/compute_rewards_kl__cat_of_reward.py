# exercise: compute_rewards_kl
# misses: result_dtype
# expect: wrong_dtype
# why: torch.cat promotes to the wider reward's dtype
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    kl = -kl_ctl * (old_logprobs - ref_logprobs)
    return torch.cat([kl[:, :-1], kl[:, -1:] + reward], dim=1)
