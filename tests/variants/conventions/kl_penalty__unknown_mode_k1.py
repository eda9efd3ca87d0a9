# exercise: kl_penalty
# misses: mode_error
# expect: kl_no_mode_error
# why: an unknown mode falls through to k1 instead of raising
import torch


def kl_penalty(logprob, ref_logprob, mode):
    base = mode[:-1] if mode.endswith("+") else mode
    d = logprob - ref_logprob
    if base == "abs":
        value = d.abs()
    elif base in ("k2", "mse"):
        value = 0.5 * d * d
    elif base in ("k3", "low_var_kl"):
        u = (-d).clamp(-20, 20)
        value = (u.exp() - u - 1).clamp(-10, 10)
    else:
        value = d
    if mode.endswith("+"):
        k2 = 0.5 * d * d
        return k2 - k2.detach() + value.detach()
    return value
