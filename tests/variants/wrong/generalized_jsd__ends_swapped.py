# exercise: generalized_jsd
# expect: jsd_ends_swapped
# why: beta = 0 taken as the reverse KL and beta = 1 as the forward
import math

import torch


def _kl(a, b):
    return (a.exp() * (a - b)).sum(-1)


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    ls, lp = student_logits.log_softmax(-1), teacher_logits.log_softmax(-1)
    if beta == 0:
        per = _kl(ls, lp)
    elif beta == 1:
        per = _kl(lp, ls)
    else:
        lm = torch.logsumexp(torch.stack([lp + math.log(beta), ls + math.log1p(-beta)]), 0)
        per = beta * _kl(lp, lm) + (1 - beta) * _kl(ls, lm)
    return (per * mask).sum() / mask.sum().clamp(min=1)
