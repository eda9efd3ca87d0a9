# exercise: dpo_loss
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    dtype = policy_chosen_logps.dtype
    work = torch.promote_types(dtype, torch.float32)
    pc, pr = policy_chosen_logps.to(work), policy_rejected_logps.to(work)
    rc, rr = ref_chosen_logps.to(work), ref_rejected_logps.to(work)
    losses = -F.logsigmoid(beta * ((pc - rc) - (pr - rr)))
    return losses.to(dtype), (beta * (pc - rc)).detach().to(dtype), (beta * (pr - rr)).detach().to(dtype)
