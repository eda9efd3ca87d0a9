# exercise: grpo_kl
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    with torch.no_grad():
        ref = pi_ref_logprob.clone()
    d = ref - pi_logprob
    return d.exp() - d - 1
