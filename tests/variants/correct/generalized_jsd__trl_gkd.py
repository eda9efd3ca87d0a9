# exercise: generalized_jsd
# style: TRL's GKDTrainer.generalized_jsd_loss (f2cd577, trl/experimental/gkd/gkd_trainer.py:239-323) with the mask
#   in place of labels != -100 and temperature 1: F.kl_div(input, target, log_target=True) is KL(target || input),
#   the ends special-cased, the mixture by logsumexp, batchmean over the real tokens with clamp_min(1)
import torch
import torch.nn.functional as F


def generalized_jsd(student_logits, teacher_logits, beta, mask):
    student_log_probs = F.log_softmax(student_logits, dim=-1)
    teacher_log_probs = F.log_softmax(teacher_logits, dim=-1)
    if beta == 0:
        jsd = F.kl_div(student_log_probs, teacher_log_probs, reduction="none", log_target=True)
    elif beta == 1:
        jsd = F.kl_div(teacher_log_probs, student_log_probs, reduction="none", log_target=True)
    else:
        beta = torch.tensor(beta, dtype=student_log_probs.dtype, device=student_log_probs.device)
        mixture_log_probs = torch.logsumexp(
            torch.stack([student_log_probs + torch.log1p(-beta), teacher_log_probs + torch.log(beta)]), dim=0)
        kl_teacher = F.kl_div(mixture_log_probs, teacher_log_probs, reduction="none", log_target=True)
        kl_student = F.kl_div(mixture_log_probs, student_log_probs, reduction="none", log_target=True)
        jsd = beta * kl_teacher + (1 - beta) * kl_student
    keep = mask != 0
    jsd = jsd[keep]
    denom = keep.sum().clamp_min(1)
    return jsd.sum() / denom
