# exercise: is_weights
# The log-weight per level from the masked log-ratio, truncated with torch.minimum, masked with where.
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    real = mask.bool()
    with torch.no_grad():
        u = (logp_train - logp_rollout).masked_fill(~real, 0.0)
        n = real.sum(dim=-1, keepdim=True)
        if level == "token":
            log_w = u
        elif level == "sequence":
            log_w = u.sum(dim=-1, keepdim=True).expand_as(u)
        elif level == "geometric":
            log_w = (u.sum(dim=-1, keepdim=True) / n.clamp(min=1)).expand_as(u)
        else:
            raise ValueError(f"level must be token, sequence or geometric, not {level!r}")
        w = log_w.exp()
        if mode == "truncate":
            w = torch.minimum(w, torch.full_like(w, cap))
        elif mode == "mask":
            w = w * (w <= cap)
        else:
            raise ValueError(f"mode must be truncate or mask, not {mode!r}")
        return w.masked_fill(~real, 0.0)
