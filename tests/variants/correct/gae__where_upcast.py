# exercise: gae
import torch


def gae(rewards, values, mask, gamma, lam):
    dtype = rewards.dtype
    work = torch.promote_types(dtype, torch.float32)  # bfloat16 scans in float32
    r, v, real = rewards.to(work), values.to(work), mask > 0
    zero = torch.zeros_like(r[:, 0])
    nv, na, cols = zero, zero, []
    for t in reversed(range(r.shape[1])):
        delta = r[:, t] + gamma * nv - v[:, t]
        a = torch.where(real[:, t], delta + gamma * lam * na, zero)
        nv, na = torch.where(real[:, t], v[:, t], zero), a
        cols.insert(0, a)
    adv = torch.stack(cols, 1) if cols else torch.zeros_like(r)
    ret = torch.where(real, adv + v, torch.zeros_like(adv))
    return adv.to(dtype), ret.to(dtype)
