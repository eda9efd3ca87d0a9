# exercise: generalized_jsd
# misses: extremes
# expect: jsd_prob_mixture
# why: the mixture built from probabilities and its log taken: right for ordinary logits, 0 * log 0 = NaN where both
#   probabilities of a token underflow (logits hundreds apart)
import torch


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    p, s = teacher_logits.softmax(-1), student_logits.softmax(-1)
    lp, ls = teacher_logits.log_softmax(-1), student_logits.log_softmax(-1)
    if beta == 0:
        per = (p * (lp - ls)).sum(-1)
    elif beta == 1:
        per = (s * (ls - lp)).sum(-1)
    else:
        log_m = torch.log(beta * p + (1 - beta) * s)
        per = beta * (p * (lp - log_m)).sum(-1) + (1 - beta) * (s * (ls - log_m)).sum(-1)
    return (per * mask).sum() / mask.sum().clamp(min=1)
