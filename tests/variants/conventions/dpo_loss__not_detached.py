# exercise: dpo_loss
# misses: detach
# expect: rewards_not_detached
# why: the implicit rewards keep their graph
import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    c = beta * (policy_chosen_logps - ref_chosen_logps)
    r = beta * (policy_rejected_logps - ref_rejected_logps)
    return -F.logsigmoid(c - r), c, r
