# exercise: grpo_kl
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = pi_ref_logprob.detach() - pi_logprob
    return torch.special.expm1(d) - d
