"""Reference solution: importance weights for the rollout/trainer log-prob mismatch (TIS and MIS)."""

import torch

IS_LEVELS = ("token", "sequence", "geometric")
IS_MODES = ("truncate", "mask")


def is_weights(logp_train: torch.Tensor, logp_rollout: torch.Tensor, mask: torch.Tensor, cap: float,
               level: str, mode: str) -> torch.Tensor:
    if level not in IS_LEVELS:
        raise ValueError(f"unknown level {level!r}; the valid levels are {', '.join(IS_LEVELS)}")
    if mode not in IS_MODES:
        raise ValueError(f"unknown mode {mode!r}; the valid modes are {', '.join(IS_MODES)}")
    real = mask > 0
    # Weights change the measure, not the objective: no gradient may flow through them.
    diff = logp_train.detach() - logp_rollout.detach()
    log_ratio = torch.where(real, diff, torch.zeros_like(diff))  # padding stays out of every sum
    if level == "token":
        log_w = log_ratio
    else:  # one weight per sequence, shared by its real tokens
        total = log_ratio.sum(dim=-1, keepdim=True)  # log of the product of the token ratios
        if level == "geometric":  # the per-token geometric mean: a length-normalised ratio
            total = total / real.sum(dim=-1, keepdim=True).clamp(min=1)
        log_w = total.expand_as(log_ratio)
    # Built from the log-ratio, never as exp(logp_train) / exp(logp_rollout) (0 / 0 below -103 in float32).
    w = torch.exp(log_w)  # inf where the log-weight passes exp's range: truncated to cap, or masked out
    if mode == "truncate":  # TIS: keep the sample, bound its weight
        w = torch.clamp(w, max=cap)
    else:  # MIS: a sample this far off is unusable
        w = torch.where(w <= cap, w, torch.zeros_like(w))
    return torch.where(real, w, torch.zeros_like(w))
