# exercise: is_weights
# misses: extreme_ratios
# expect: is_ratio_of_probs
# why: the ratio of the two probabilities, exp(a) / exp(b): right for ordinary log-probs, 0 / 0 below -103 in float32
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    if level not in ("token", "sequence", "geometric") or mode not in ("truncate", "mask"):
        raise ValueError("level: token, sequence, geometric; mode: truncate, mask")
    real = mask > 0
    dtype = torch.promote_types(logp_train.dtype, logp_rollout.dtype)
    ratio = torch.exp(logp_train.detach().to(dtype)) / torch.exp(logp_rollout.detach().to(dtype))
    ratio = torch.where(real, ratio, torch.ones_like(ratio))
    if level == "sequence":
        ratio = ratio.prod(dim=-1, keepdim=True).expand_as(ratio)
    elif level == "geometric":
        n = real.sum(-1, keepdim=True).clamp(min=1).to(ratio.dtype)
        ratio = ratio.prod(dim=-1, keepdim=True).pow(1.0 / n).expand_as(ratio)
    w = ratio.clamp(max=cap) if mode == "truncate" else torch.where(ratio <= cap, ratio, torch.zeros_like(ratio))
    return torch.where(real, w, torch.zeros_like(w))
