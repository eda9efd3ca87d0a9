# exercise: grpo_kl
# expect: wrong_device
# why: .cpu() inside the computation
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = (pi_ref_logprob - pi_logprob).cpu()
    return torch.expm1(d) - d
