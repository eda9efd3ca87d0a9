# exercise: kl_penalty
# expect: missing_half
# why: mse written as a squared difference, without the 1/2
import torch


def kl_penalty(logprob, ref_logprob, mode):
    base = mode[:-1] if mode.endswith("+") else mode
    if base not in ("k1", "kl", "abs", "k2", "mse", "k3", "low_var_kl"):
        raise ValueError("valid: k1, kl, abs, k2, mse, k3, low_var_kl (optionally with +)")
    d = logprob - ref_logprob
    if base in ("k1", "kl"):
        value = d
    elif base == "abs":
        value = d.abs()
    elif base in ("k2", "mse"):
        value = d * d
    else:
        u = (-d).clamp(-20, 20)
        value = (u.exp() - u - 1).clamp(-10, 10)
    if mode.endswith("+"):
        k2 = 0.5 * d * d
        return k2 - k2.detach() + value.detach()
    return value
