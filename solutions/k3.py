"""Reference solution: k3, Schulman's unbiased, non-negative estimator of KL(q || p)."""

import torch


def k3(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    log_r = log_p - log_q
    # expm1 keeps the precision that exp(log_r) - 1 loses when log_r is near 0.
    return torch.expm1(log_r) - log_r
