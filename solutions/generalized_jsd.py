"""Reference solution: the generalised Jensen-Shannon divergence of GKD, as TRL's GKDTrainer defines it."""

import math

import torch


def generalized_jsd(student_logits: torch.Tensor, teacher_logits: torch.Tensor, beta: float,
                    mask: torch.Tensor) -> torch.Tensor:
    log_s = torch.log_softmax(student_logits, dim=-1)  # S, the student
    log_p = torch.log_softmax(teacher_logits, dim=-1)  # P, the teacher
    if beta == 0:  # TRL's special case: the forward KL(P || S) (the mixture formula would give 0 here)
        per_token = (log_p.exp() * (log_p - log_s)).sum(dim=-1)
    elif beta == 1:  # and the reverse KL(S || P)
        per_token = (log_s.exp() * (log_s - log_p)).sum(dim=-1)
    else:
        # log M for M = beta P + (1 - beta) S, in log space: finite where both probabilities underflow.
        log_m = torch.logsumexp(torch.stack([log_p + math.log(beta), log_s + math.log1p(-beta)]), dim=0)
        kl_teacher = (log_p.exp() * (log_p - log_m)).sum(dim=-1)  # KL(P || M)
        kl_student = (log_s.exp() * (log_s - log_m)).sum(dim=-1)  # KL(S || M)
        per_token = beta * kl_teacher + (1 - beta) * kl_student
    real = mask > 0
    return torch.where(real, per_token, torch.zeros_like(per_token)).sum() / real.sum().clamp(min=1)
