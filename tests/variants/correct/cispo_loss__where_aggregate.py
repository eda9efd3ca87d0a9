# exercise: cispo_loss
# The clipped ratio detached, REINFORCE on log pi, the four modes with clamped denominators.
import torch


def cispo_loss(logp, old_logp, advantages, mask, eps_low=None, eps_high=4.0, mode="token-mean"):
    ratio = torch.exp(logp - old_logp).detach()
    lower = 1 - eps_low if eps_low is not None else None
    weight = torch.clamp(ratio, min=lower, max=1 + eps_high)
    per_token = -weight * advantages.detach().unsqueeze(-1) * logp
    per_token = torch.where(mask > 0, per_token, torch.zeros_like(per_token))
    rows, counts = per_token.sum(-1), mask.sum(-1)
    batch = max(per_token.shape[0], 1)
    if mode == "token-mean":
        return rows.sum() / counts.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (rows / counts.clamp(min=1)).sum() / batch
    if mode == "seq-mean-token-sum":
        return rows.sum() / batch
    if mode == "dr-grpo":
        return rows.sum() / max(per_token.numel(), 1)
    raise ValueError(f"mode {mode!r}: expected token-mean, seq-mean-token-mean, seq-mean-token-sum or dr-grpo")
