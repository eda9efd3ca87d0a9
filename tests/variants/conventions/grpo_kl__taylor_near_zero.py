# exercise: grpo_kl
# misses: precision
# expect: lost_precision
# why: a one-term Taylor series for |log r| < 1e-2 (0.3% off there)
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = pi_ref_logprob - pi_logprob
    return torch.where(d.abs() < 1e-2, d * d / 2, torch.expm1(d) - d)
