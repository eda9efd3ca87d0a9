# exercise: generalized_jsd
# expect: jsd_vocab_averaged
# near: empty
# why: F.kl_div's reduction="mean" on the real tokens' rows: divided by the vocabulary's size too
import math

import torch
import torch.nn.functional as F


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    real = mask > 0
    if not bool(real.any()):
        return student_logits.sum() * 0
    ls, lp = F.log_softmax(student_logits[real], -1), F.log_softmax(teacher_logits[real], -1)
    if beta == 0:
        return F.kl_div(ls, lp, reduction="mean", log_target=True)
    if beta == 1:
        return F.kl_div(lp, ls, reduction="mean", log_target=True)
    lm = torch.logsumexp(torch.stack([lp + math.log(beta), ls + math.log1p(-beta)]), 0)
    return (beta * F.kl_div(lm, lp, reduction="mean", log_target=True)
            + (1 - beta) * F.kl_div(lm, ls, reduction="mean", log_target=True))
