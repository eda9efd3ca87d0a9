# exercise: masked_rewards_kl
# misses: precision, result_dtype, empty
# expect: empty_row_scored
# style: OpenRLHF's compute_reward (3c3be62) with compute_approx_kl "k1": float32 log-ratio times the action mask, the
#   score scattered at the action mask's last 1 (found with fliplr().argmax: column T - 1 for an empty row)
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    kl = (old_logprobs.float() - ref_logprobs.float()).clamp(-10, 10) * mask
    coef = max(float(kl_ctl), 0.0)
    eos = mask.size(1) - 1 - mask.long().fliplr().argmax(dim=1, keepdim=True)
    last = torch.zeros_like(kl).scatter_(dim=1, index=eos, src=reward.to(kl.dtype))
    return last - coef * kl
