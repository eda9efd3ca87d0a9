# exercise: compute_rewards_kl
# expect: reward_wrong_position
# why: the score on the first token, via index_add
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    out = -kl_ctl * (old_logprobs - ref_logprobs)
    return out.index_add(1, torch.tensor([0], device=out.device), reward.to(out.dtype))
