# exercise: dpo_loss
# misses: extremes
# expect: log_sigmoid_overflow
# why: torch.log(torch.sigmoid(z)): sigmoid underflows to 0 for very negative z, the loss is inf
import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    c = policy_chosen_logps - ref_chosen_logps
    r = policy_rejected_logps - ref_rejected_logps
    return -torch.log(torch.sigmoid(beta * (c - r))), beta * c.detach(), beta * r.detach()
