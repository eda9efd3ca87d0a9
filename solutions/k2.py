"""Reference solution: k2, the biased estimator of KL(q || p), low-variance when p and q are close."""

import torch


def k2(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    log_r = log_p - log_q
    return log_r * log_r / 2
