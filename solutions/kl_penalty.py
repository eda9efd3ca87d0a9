"""Reference solution: verl's per-token KL penalty, by mode name."""

import torch

KL_MODES = ("k1", "kl", "abs", "k2", "mse", "k3", "low_var_kl")


def kl_penalty(logprob: torch.Tensor, ref_logprob: torch.Tensor, mode: str) -> torch.Tensor:
    base = mode[:-1] if mode.endswith("+") else mode
    if base not in KL_MODES:
        valid = ", ".join(KL_MODES + tuple(m + "+" for m in KL_MODES))
        raise ValueError(f"unknown KL mode {mode!r}; the valid modes are {valid}")
    diff = logprob - ref_logprob
    if base in ("k1", "kl"):
        value = diff
    elif base == "abs":
        value = diff.abs()
    elif base in ("k2", "mse"):
        value = 0.5 * diff.square()
    else:  # k3 / low_var_kl, with verl's clamps: the log-ratio before exp (finite gradients), then the value
        u = torch.clamp(ref_logprob - logprob, min=-20, max=20)
        value = torch.clamp(torch.exp(u) - u - 1, min=-10, max=10)
    if not mode.endswith("+"):
        return value
    # Straight-through: the value of the mode, the gradient of k2 (per token, on tokens sampled from pi_theta
    # itself, the unbiased gradient of that position's reverse KL), as verl-project/verl 1dda039 computes it.
    k2 = 0.5 * diff.square()
    return k2 - k2.detach() + value.detach()
