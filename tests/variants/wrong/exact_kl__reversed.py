# exercise: exact_kl
# expect: exact_kl_reversed
# why: KL(Q || P): weights by the second distribution
import torch


def exact_kl(logits_p, logits_q):
    lp = torch.log_softmax(logits_p, dim=-1)
    lq = torch.log_softmax(logits_q, dim=-1)
    return (lq.exp() * (lq - lp)).sum(-1)
