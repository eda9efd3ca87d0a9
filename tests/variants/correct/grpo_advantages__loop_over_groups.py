# exercise: grpo_advantages
# One group at a time, as a first draft in an interview would; torch.std per row.
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    rows = []
    for group in rewards:
        c = group - group.mean()
        if scale:
            c = c / (group.std() + eps) if group.numel() > 1 else torch.zeros_like(group)
        rows.append(c)
    return torch.stack(rows) if rows else rewards.clone()
