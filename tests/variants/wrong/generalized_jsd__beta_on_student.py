# exercise: generalized_jsd
# expect: jsd_beta_on_student
# why: beta as the student's weight, in the mixture and in front of its KL
import math

import torch


def _kl(a, b):
    return (a.exp() * (a - b)).sum(-1)


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    ls, lp = student_logits.log_softmax(-1), teacher_logits.log_softmax(-1)
    if beta == 0:
        per = _kl(lp, ls)
    elif beta == 1:
        per = _kl(ls, lp)
    else:
        lm = torch.logsumexp(torch.stack([ls + math.log(beta), lp + math.log1p(-beta)]), 0)
        per = beta * _kl(ls, lm) + (1 - beta) * _kl(lp, lm)
    return (per * mask).sum() / mask.sum().clamp(min=1)
