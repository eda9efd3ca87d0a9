# exercise: generalized_jsd
# A KL helper on log-probabilities, and the mixture's log from torch.logaddexp.
import math

import torch


def _kl(log_a, log_b):
    return (log_a.exp() * (log_a - log_b)).sum(-1)


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    log_s = student_logits.log_softmax(-1)
    log_p = teacher_logits.log_softmax(-1)
    if beta == 0.0:
        per_token = _kl(log_p, log_s)
    elif beta == 1.0:
        per_token = _kl(log_s, log_p)
    else:
        log_m = torch.logaddexp(log_p + math.log(beta), log_s + math.log(1 - beta))
        per_token = beta * _kl(log_p, log_m) + (1 - beta) * _kl(log_s, log_m)
    m = mask.to(per_token.dtype)
    return (per_token * m).sum() / m.sum().clamp(min=1)
