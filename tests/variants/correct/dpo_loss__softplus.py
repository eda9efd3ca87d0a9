# exercise: dpo_loss
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    pi_logratios = policy_chosen_logps - policy_rejected_logps  # TRL's grouping of the four terms
    ref_logratios = ref_chosen_logps - ref_rejected_logps
    losses = F.softplus(-beta * (pi_logratios - ref_logratios))
    chosen = (beta * (policy_chosen_logps - ref_chosen_logps)).detach()
    rejected = (beta * (policy_rejected_logps - ref_rejected_logps)).detach()
    return losses, chosen, rejected
