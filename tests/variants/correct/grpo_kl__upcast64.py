# exercise: grpo_kl
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = pi_ref_logprob - pi_logprob
    wide = d.to(torch.float64)
    return (wide.exp() - wide - 1).to(d.dtype)
