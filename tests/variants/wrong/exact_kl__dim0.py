# exercise: exact_kl
# expect: kl_wrong_dim
# why: softmax over dim 0
import torch
import torch.nn.functional as F


def exact_kl(logits_p, logits_q):
    p = F.softmax(logits_p, dim=0)
    return (p * (F.log_softmax(logits_p, dim=0) - F.log_softmax(logits_q, dim=0))).sum(-1)
