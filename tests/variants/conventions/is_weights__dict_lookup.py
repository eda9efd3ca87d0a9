# exercise: is_weights
# misses: option_error
# expect: is_no_option_error
# why: levels and modes looked up in dicts: a typo raises KeyError, not a ValueError naming the valid values
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    real = mask > 0
    u = torch.where(real, logp_train - logp_rollout, torch.zeros_like(logp_train)).detach()
    total = u.sum(-1, keepdim=True)
    log_w = {"token": u, "sequence": total.expand_as(u),
             "geometric": (total / real.sum(-1, keepdim=True).clamp(min=1)).expand_as(u)}[level]
    w = log_w.exp()
    w = {"truncate": w.clamp(max=cap), "mask": torch.where(w <= cap, w, torch.zeros_like(w))}[mode]
    return torch.where(real, w, torch.zeros_like(w))
