# exercise: generalized_jsd
# misses: empty
# expect: t4_nan_when_empty
# why: the mean over the real tokens as jsd[mask].mean(), NaN when there is none
import math

import torch


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    ls, lp = student_logits.log_softmax(-1), teacher_logits.log_softmax(-1)
    if beta == 0:
        per = (lp.exp() * (lp - ls)).sum(-1)
    elif beta == 1:
        per = (ls.exp() * (ls - lp)).sum(-1)
    else:
        lm = torch.logsumexp(torch.stack([lp + math.log(beta), ls + math.log1p(-beta)]), 0)
        per = beta * (lp.exp() * (lp - lm)).sum(-1) + (1 - beta) * (ls.exp() * (ls - lm)).sum(-1)
    return per[mask.bool()].mean()
