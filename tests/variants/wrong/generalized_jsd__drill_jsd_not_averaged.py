# exercise: generalized_jsd
# expect: jsd_not_averaged
# why: the drill's style 1 of jsd_not_averaged, as a whole submission
import torch
import math


def generalized_jsd(student_logits: torch.Tensor, teacher_logits: torch.Tensor, beta: float,
                    mask: torch.Tensor) -> torch.Tensor:
    def kl(a, b):
        return (a.exp() * (a - b)).sum(-1)

    log_s = torch.log_softmax(student_logits, dim=-1)
    log_p = torch.log_softmax(teacher_logits, dim=-1)
    if beta == 0:
        per_token = kl(log_p, log_s)
    elif beta == 1:
        per_token = kl(log_s, log_p)
    else:
        log_m = torch.logsumexp(torch.stack([log_p + math.log(beta), log_s + math.log1p(-beta)]), dim=0)
        per_token = beta * kl(log_p, log_m) + (1 - beta) * kl(log_s, log_m)
    real = mask > 0
    return per_token[real].sum()  # the distillation loss of the batch
