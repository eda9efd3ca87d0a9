"""Reference solution: CISPO's loss, a clipped and detached importance weight times A times log pi."""

import torch

CISPO_MODES = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "dr-grpo")


def _cispo_aggregate(loss: torch.Tensor, mask: torch.Tensor, mode: str) -> torch.Tensor:
    # The four modes of the aggregate_loss exercise (kept here: each file is graded on its own).
    masked = torch.where(mask > 0, loss, torch.zeros_like(loss))
    batch = max(loss.shape[0], 1)
    if mode == "token-mean":
        return masked.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (masked.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / batch
    if mode == "seq-mean-token-sum":
        return masked.sum(-1).sum() / batch
    if mode == "dr-grpo":
        return masked.sum() / max(loss.numel(), 1)
    raise ValueError(f"unknown mode {mode!r}; the valid modes are {', '.join(CISPO_MODES)}")


def cispo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
               eps_low: float | None = None, eps_high: float = 4.0, mode: str = "token-mean") -> torch.Tensor:
    ratio = torch.exp(logp.detach() - old_logp.detach())
    low = None if eps_low is None else 1 - eps_low  # None: no lower bound (MiniMax-M1, TRL)
    # Clip the weight, not the update: detached, so every token keeps the gradient of its log pi.
    weight = torch.clamp(ratio, min=low, max=1 + eps_high)
    per_token = -weight * advantages.detach()[:, None] * logp
    return _cispo_aggregate(per_token, mask, mode)
