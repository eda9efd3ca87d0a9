# exercise: dpo_loss
# expect: dpo_sign_flipped
# why: -logsigmoid(-z): prefers the rejected response
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    c = policy_chosen_logps - ref_chosen_logps
    r = policy_rejected_logps - ref_rejected_logps
    return -F.logsigmoid(beta * (r - c)), beta * c.detach(), beta * r.detach()
