# exercise: kl_penalty
# expect: k3_clamp_bounds
# near: clamp
# why: k3 capped at 5, not verl's 10: the cap bites at ordinary log-ratios (u > 1.9)
import torch


def kl_penalty(logprob, ref_logprob, mode):
    base = mode.removesuffix("+")
    d = logprob - ref_logprob
    if base in ("kl", "k1"):
        value = d
    elif base == "abs":
        value = d.abs()
    elif base in ("mse", "k2"):
        value = 0.5 * d * d
    elif base in ("low_var_kl", "k3"):
        u = (-d).clamp(-20, 20)
        value = (torch.exp(u) - u - 1).clamp(-5, 5)
    else:
        raise ValueError(f"unknown mode {mode!r}: use k1, kl, abs, k2, mse, k3, low_var_kl (or with +)")
    if mode.endswith("+") and base not in ("mse", "k2"):
        k2 = 0.5 * d * d
        return k2 - k2.detach() + value.detach()
    return value
