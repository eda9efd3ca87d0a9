# exercise: dpo_loss
# expect: detached
# why: everything under no_grad: right values, no gradient
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    with torch.no_grad():
        chosen = policy_chosen_logps - ref_chosen_logps
        rejected = policy_rejected_logps - ref_rejected_logps
        losses = -F.logsigmoid(beta * (chosen - rejected))
    return losses, beta * chosen, beta * rejected
