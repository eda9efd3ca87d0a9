# exercise: cispo_loss
# expect: t4_nan_when_empty
# misses: empty
# why: the drill's style 0 of t4_nan_when_empty, as a whole submission
import torch


def cispo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
               eps_low: float | None = None, eps_high: float = 4.0, mode: str = "token-mean") -> torch.Tensor:
    ratio = torch.exp(logp - old_logp.detach())
    low = None if eps_low is None else 1 - eps_low
    weight = torch.clamp(ratio, min=low, max=1 + eps_high).detach()
    per_token = -weight * advantages.detach()[:, None] * logp
    per_token = torch.where(mask > 0, per_token, torch.zeros_like(per_token))
    b = per_token.shape[0]
    if mode == "token-mean":
        return per_token.sum() / mask.sum()
    if mode == "seq-mean-token-mean":
        return (per_token.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / b
    if mode == "seq-mean-token-sum":
        return per_token.sum() / b
    if mode == "dr-grpo":
        return per_token.sum() / per_token.numel()
    raise ValueError(f"unknown mode {mode!r}: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")
