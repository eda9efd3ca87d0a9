# exercise: dpo_loss
# expect: softplus_kink
# why: max(-z, 0) by clamp: its gradient at z = 0 is 1, so the loss's gradient there is -beta, not -beta / 2
import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    c = policy_chosen_logps - ref_chosen_logps
    r = policy_rejected_logps - ref_rejected_logps
    z = beta * (c - r)
    losses = torch.clamp(-z, min=0) + torch.log1p(torch.exp(-z.abs()))
    return losses, (beta * c).detach(), (beta * r).detach()
