# exercise: kl_penalty
# misses: clamp, mode_error
# expect: k3_not_clamped
# why: Schulman's k3 without verl's caps
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
    base = mode.rstrip("+")
    if base in ("k3", "low_var_kl"):
        u = ref_logprob - logprob
        value = torch.expm1(u) - u
    else:
        value = _value(logprob, ref_logprob, base)
    if not mode.endswith("+"):
        return value
    k2 = 0.5 * (logprob - ref_logprob) ** 2
    return k2 - k2.detach() + value.detach()
