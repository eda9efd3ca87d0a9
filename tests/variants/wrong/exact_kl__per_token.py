# exercise: exact_kl
# expect: not_summed
# why: returns the (..., V) terms, not their sum over the vocabulary
import torch


def exact_kl(logits_p, logits_q):
    lp = torch.log_softmax(logits_p, dim=-1)
    lq = torch.log_softmax(logits_q, dim=-1)
    return lp.exp() * (lp - lq)
