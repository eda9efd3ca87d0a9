# exercise: grpo_kl
# expect: missing_minus_one
# why: r - log r, the -1 forgotten (a ratio written with torch.exp)
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    ratio = torch.exp(pi_ref_logprob - pi_logprob)
    return ratio - torch.log(ratio)
