# exercise: rloo_advantages
# An interview's first draft: every response against the mean of the others, one at a time.
import torch


def rloo_advantages(rewards):
    out = torch.zeros_like(rewards)
    n = rewards.shape[1]
    for i in range(n):
        if n == 1:
            break
        others = torch.cat([rewards[:, :i], rewards[:, i + 1:]], dim=1)
        out[:, i] = rewards[:, i] - others.mean(dim=1)
    return out
