# exercise: grpo_kl
# expect: log_epsilon
# near: extremes
# why: an epsilon inside the log (finfo(dtype).eps)
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    r = torch.exp(pi_ref_logprob - pi_logprob)
    return r - 1 - torch.log(r + torch.finfo(r.dtype).eps)
