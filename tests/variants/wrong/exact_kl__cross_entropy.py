# exercise: exact_kl
# expect: cross_entropy_not_kl
# why: F.cross_entropy with soft targets: H(P, Q), not KL
import torch
import torch.nn.functional as F


def exact_kl(logits_p, logits_q):
    p = logits_p.softmax(-1)
    V = logits_q.shape[-1]
    return F.cross_entropy(logits_q.reshape(-1, V), p.reshape(-1, V), reduction="none").reshape(logits_q.shape[:-1])
