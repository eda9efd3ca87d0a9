# exercise: exact_kl
# expect: unweighted_sum
# why: sums log P - log Q over the vocabulary without weighting by P
import torch


def exact_kl(logits_p, logits_q):
    return (torch.log_softmax(logits_p, -1) - torch.log_softmax(logits_q, -1)).sum(-1)
