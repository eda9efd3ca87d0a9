# exercise: grpo_kl
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = pi_ref_logprob - pi_logprob
    one = torch.tensor(1.0, dtype=d.dtype, device=d.device)
    return d.exp() - d - one
