# exercise: generalized_jsd
# Cross-entropies minus entropies, the ends as the two KLs, real tokens picked with boolean indexing.
import math

import torch


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    ls, lp = torch.log_softmax(student_logits, -1), torch.log_softmax(teacher_logits, -1)
    s, p = ls.exp(), lp.exp()
    if beta == 0:
        value = (p * lp).sum(-1) - (p * ls).sum(-1)
    elif beta == 1:
        value = (s * ls).sum(-1) - (s * lp).sum(-1)
    else:
        lm = torch.logsumexp(torch.stack([lp + math.log(beta), ls + math.log1p(-beta)]), 0)
        value = beta * ((p * lp).sum(-1) - (p * lm).sum(-1)) + (1 - beta) * ((s * ls).sum(-1) - (s * lm).sum(-1))
    real = mask > 0
    if not bool(real.any()):
        return value.sum() * 0
    return value[real].mean()
