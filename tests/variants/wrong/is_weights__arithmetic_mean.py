# exercise: is_weights
# expect: is_arithmetic_mean
# why: the geometric weight as the plain mean of the token ratios over the real tokens
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    if level not in ("token", "sequence", "geometric") or mode not in ("truncate", "mask"):
        raise ValueError("level: token, sequence, geometric; mode: truncate, mask")
    real = mask > 0
    out = torch.zeros_like(logp_train)
    for i in range(logp_train.shape[0]):
        idx = real[i].nonzero().flatten()
        u = (logp_train[i, idx] - logp_rollout[i, idx]).detach()
        if level == "token":
            w = u.exp()
        elif level == "sequence":
            w = u.sum().exp().expand_as(u)
        else:
            w = u.exp().mean().expand_as(u) if len(idx) else u
        w = w.clamp(max=cap) if mode == "truncate" else torch.where(w <= cap, w, torch.zeros_like(w))
        out[i, idx] = w
    return out
