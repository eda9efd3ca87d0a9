# exercise: generalized_jsd
# expect: jsd_kl_reversed
# why: F.kl_div's arguments read the mathematical way round: KL(M || P) and KL(M || S)
import math

import torch
import torch.nn.functional as F


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    ls, lp = F.log_softmax(student_logits, -1), F.log_softmax(teacher_logits, -1)
    if beta == 0:
        per = F.kl_div(ls, lp, reduction="none", log_target=True).sum(-1)
    elif beta == 1:
        per = F.kl_div(lp, ls, reduction="none", log_target=True).sum(-1)
    else:
        lm = torch.logsumexp(torch.stack([lp + math.log(beta), ls + math.log1p(-beta)]), 0)
        kl_teacher = F.kl_div(lp, lm, reduction="none", log_target=True).sum(-1)
        kl_student = F.kl_div(ls, lm, reduction="none", log_target=True).sum(-1)
        per = beta * kl_teacher + (1 - beta) * kl_student
    return (per * mask).sum() / mask.sum().clamp(min=1)
