# exercise: dpo_loss
# expect: dpo_missing_minus
# why: F.logsigmoid(z) returned as the loss
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    chosen = policy_chosen_logps - ref_chosen_logps
    rejected = policy_rejected_logps - ref_rejected_logps
    return F.logsigmoid(beta * (chosen - rejected)), beta * chosen.detach(), beta * rejected.detach()
