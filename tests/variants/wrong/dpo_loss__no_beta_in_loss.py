# exercise: dpo_loss
# expect: dpo_beta_missing
# why: softplus of the bare margin
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    chosen = policy_chosen_logps - ref_chosen_logps
    rejected = policy_rejected_logps - ref_rejected_logps
    losses = F.softplus(rejected - chosen)
    return losses, beta * chosen.detach(), beta * rejected.detach()
