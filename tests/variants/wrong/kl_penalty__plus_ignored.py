# exercise: kl_penalty
# expect: straight_through_missing
# why: the "+" is stripped and ignored: the value is right, the gradient is the mode's own
import torch


def _k3(logprob, ref_logprob):
    u = torch.clamp(ref_logprob - logprob, -20, 20)
    return torch.clamp(torch.exp(u) - u - 1, -10, 10)


def _value(logprob, ref_logprob, base):
    d = logprob - ref_logprob
    if base in ("k1", "kl"):
        return d
    if base == "abs":
        return d.abs()
    if base in ("k2", "mse"):
        return 0.5 * d * d
    if base in ("k3", "low_var_kl"):
        return _k3(logprob, ref_logprob)
    raise ValueError("valid: k1, kl, abs, k2, mse, k3, low_var_kl, with or without +")


def kl_penalty(logprob, ref_logprob, mode):
    return _value(logprob, ref_logprob, mode.rstrip("+"))
