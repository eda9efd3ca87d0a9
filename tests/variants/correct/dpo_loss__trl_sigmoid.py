# exercise: dpo_loss
# style: TRL's DPOTrainer "sigmoid" loss (f2cd577): -logsigmoid(beta * (chosen log-ratio - rejected log-ratio)),
#   the implicit rewards beta * log-ratio detached
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    chosen = policy_chosen_logps - ref_chosen_logps
    rejected = policy_rejected_logps - ref_rejected_logps
    losses = -F.logsigmoid(beta * (chosen - rejected))
    return losses, beta * chosen.detach(), beta * rejected.detach()
