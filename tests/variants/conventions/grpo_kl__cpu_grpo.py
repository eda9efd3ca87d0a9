# exercise: grpo_kl
# misses: device
# expect: wrong_device
# why: .cpu() inside the computation
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = (pi_ref_logprob - pi_logprob).cpu()
    return torch.expm1(d) - d
