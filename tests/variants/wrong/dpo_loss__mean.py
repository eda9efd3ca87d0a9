# exercise: dpo_loss
# expect: reduced
# why: returns the batch mean of the losses (what a trainer logs), not one loss per pair
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    c = policy_chosen_logps - ref_chosen_logps
    r = policy_rejected_logps - ref_rejected_logps
    return -F.logsigmoid(beta * (c - r)).mean(), (beta * c).detach(), (beta * r).detach()
