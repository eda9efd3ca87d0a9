# exercise: generalized_jsd
# expect: jsd_no_special_cases
# why: the mixture formula at every beta (log 0 = -inf is harmless inside logsumexp), so the ends give 0
import math

import torch


def _kl(a, b):
    return (a.exp() * (a - b)).sum(-1)


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    ls, lp = student_logits.log_softmax(-1), teacher_logits.log_softmax(-1)
    b = torch.tensor(beta, dtype=ls.dtype)
    lm = torch.logsumexp(torch.stack([lp + torch.log(b), ls + torch.log1p(-b)]), 0)
    per = beta * _kl(lp, lm) + (1 - beta) * _kl(ls, lm)
    return (per * mask).sum() / mask.sum().clamp(min=1)
