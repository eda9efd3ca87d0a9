# exercise: grpo_kl
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    return torch.exp(pi_ref_logprob - pi_logprob) - pi_ref_logprob + pi_logprob - 1
