# exercise: is_weights
# Row by row, as on a whiteboard: the real tokens of each response, their ratios, then the cap.
import math

import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    if level not in ("token", "sequence", "geometric"):
        raise ValueError("level: token, sequence or geometric")
    if mode not in ("truncate", "mask"):
        raise ValueError("mode: truncate or mask")
    dtype = torch.promote_types(logp_train.dtype, logp_rollout.dtype)
    out = torch.zeros(logp_train.shape, dtype=dtype, device=logp_train.device)
    for i in range(logp_train.shape[0]):
        real = mask[i] > 0
        u = (logp_train[i][real].to(dtype) - logp_rollout[i][real].to(dtype)).detach()
        if level == "token":
            log_w = u
        else:
            log_w = u.sum() if level == "sequence" else u.sum() / max(int(real.sum()), 1)
            log_w = log_w.expand(u.shape)
        if mode == "truncate":
            w = torch.exp(torch.clamp(log_w, max=math.log(cap)))
        else:
            w = torch.where(log_w <= math.log(cap), log_w.exp(), torch.zeros_like(log_w))
        out[i, real] = w
    return out
