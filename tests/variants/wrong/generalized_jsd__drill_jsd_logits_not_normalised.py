# exercise: generalized_jsd
# expect: jsd_logits_not_normalised
# why: the drill's style 1 of jsd_logits_not_normalised, as a whole submission
import torch
import math


def generalized_jsd(student_logits: torch.Tensor, teacher_logits: torch.Tensor, beta: float,
                    mask: torch.Tensor) -> torch.Tensor:
    def kl(a, b):
        return (a.exp() * (a - b)).sum(-1)

    log_s = student_logits - student_logits.max(-1, keepdim=True).values  # shifted for stability
    log_p = teacher_logits - teacher_logits.max(-1, keepdim=True).values
    if beta == 0:
        per_token = kl(log_p, log_s)
    elif beta == 1:
        per_token = kl(log_s, log_p)
    else:
        log_m = torch.logsumexp(torch.stack([log_p + math.log(beta), log_s + math.log1p(-beta)]), dim=0)
        per_token = beta * kl(log_p, log_m) + (1 - beta) * kl(log_s, log_m)
    real = mask > 0
    return torch.where(real, per_token, torch.zeros_like(per_token)).sum() / real.sum().clamp(min=1)
