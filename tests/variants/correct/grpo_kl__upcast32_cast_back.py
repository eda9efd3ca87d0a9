# exercise: grpo_kl
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = pi_ref_logprob - pi_logprob
    work = d.float() if d.dtype in (torch.float16, torch.bfloat16) else d
    return (torch.expm1(work) - work).to(d.dtype)
