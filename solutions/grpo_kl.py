"""Reference solution: GRPO's per-token KL penalty (k3 form)."""

import torch


def grpo_kl(pi_logprob: torch.Tensor, pi_ref_logprob: torch.Tensor) -> torch.Tensor:
    # Tokens come from pi_theta, so this is k3 with q = pi_theta, p = pi_ref:
    # its value estimates KL(pi_theta || pi_ref).
    log_r = pi_ref_logprob - pi_logprob
    return torch.expm1(log_r) - log_r
