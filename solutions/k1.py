"""Reference solution: k1, the plain Monte-Carlo estimator of KL(q || p)."""

import torch


def k1(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    # With x ~ q, KL(q || p) = E_q[log q(x) - log p(x)] = E_q[-log r].
    return log_q - log_p
