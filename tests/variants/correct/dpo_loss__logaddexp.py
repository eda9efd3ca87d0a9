# exercise: dpo_loss
import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    chosen = policy_chosen_logps - ref_chosen_logps
    rejected = policy_rejected_logps - ref_rejected_logps
    z = beta * (chosen - rejected)
    losses = torch.logaddexp(torch.zeros_like(z), -z)  # log(1 + e^-z), stable both ways
    with torch.no_grad():
        return losses, beta * chosen, beta * rejected
