# exercise: dpo_loss
# expect: rewards_missing_beta
# why: the rewards are the bare log-ratios, without beta
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    c = (policy_chosen_logps - ref_chosen_logps).detach()
    r = (policy_rejected_logps - ref_rejected_logps).detach()
    return -F.logsigmoid(beta * (policy_chosen_logps - ref_chosen_logps - policy_rejected_logps + ref_rejected_logps)), c, r
