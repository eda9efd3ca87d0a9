"""Reference solution: the DPO loss (Rafailov et al. 2023, TRL's "sigmoid" loss) and its implicit rewards."""

import torch
import torch.nn.functional as F


def dpo_loss(
    policy_chosen_logps: torch.Tensor,
    policy_rejected_logps: torch.Tensor,
    ref_chosen_logps: torch.Tensor,
    ref_rejected_logps: torch.Tensor,
    beta: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    chosen = policy_chosen_logps - ref_chosen_logps  # log pi/ref of the preferred response
    rejected = policy_rejected_logps - ref_rejected_logps
    losses = -F.logsigmoid(beta * (chosen - rejected))  # stable for any |z|: never log(sigmoid(z))
    # The implicit rewards are for logging: no gradient may flow through them.
    return losses, beta * chosen.detach(), beta * rejected.detach()
