# exercise: grpo_kl
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = pi_ref_logprob - pi_logprob
    one = torch.ones_like(d)
    return torch.exp(d) - d - one
