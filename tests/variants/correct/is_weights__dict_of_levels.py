# exercise: is_weights
# A table of levels (each a function of the log-ratio and the mask), the modes as two small functions.
import torch

LEVELS = {
    "token": lambda u, m: u,
    "sequence": lambda u, m: (u * m).sum(-1, keepdim=True).expand_as(u),
    "geometric": lambda u, m: ((u * m).sum(-1, keepdim=True) / m.sum(-1, keepdim=True).clamp(min=1)).expand_as(u),
}
MODES = {
    "truncate": lambda w, cap: w.clamp(max=cap),
    "mask": lambda w, cap: torch.where(w > cap, torch.zeros_like(w), w),
}


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    if level not in LEVELS or mode not in MODES:
        raise ValueError(f"unknown level/mode {level!r}/{mode!r}: levels {', '.join(LEVELS)}; modes {', '.join(MODES)}")
    m = mask.to(torch.result_type(logp_train, logp_rollout))
    u = (logp_train.detach() - logp_rollout.detach()) * m
    w = MODES[mode](LEVELS[level](u, m).exp(), cap)
    return w * m
