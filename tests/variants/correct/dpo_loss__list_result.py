# exercise: dpo_loss
import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    c = beta * (policy_chosen_logps - ref_chosen_logps)
    r = beta * (policy_rejected_logps - ref_rejected_logps)
    return [-torch.nn.functional.logsigmoid(c - r), c.detach(), r.detach()]  # a list is fine too
