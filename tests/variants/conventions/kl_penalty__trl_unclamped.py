# exercise: kl_penalty
# misses: clamp
# expect: k3_not_clamped
# why: k3 as TRL computes it, with no clamp of the log-ratio or of the value; every other mode as verl's
import torch

MODES = ("k1", "kl", "abs", "k2", "mse", "k3", "low_var_kl")


def kl_penalty(logprob, ref_logprob, mode):
    base = mode[:-1] if mode.endswith("+") else mode
    if base not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}, each optionally with '+'")
    d = logprob - ref_logprob
    if base in ("k1", "kl"):
        value = d
    elif base == "abs":
        value = d.abs()
    elif base in ("k2", "mse"):
        value = d.square() / 2
    else:
        value = torch.exp(-d) - (-d) - 1
    if mode.endswith("+") and base not in ("k2", "mse"):
        k2 = d.square() / 2
        value = k2 - k2.detach() + value.detach()
    return value
