# exercise: cispo_loss
# expect: cispo_mask_ignored
# why: the drill's style 1 of cispo_mask_ignored, as a whole submission
import torch


def cispo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
               eps_low: float | None = None, eps_high: float = 4.0, mode: str = "token-mean") -> torch.Tensor:
    ratio = torch.exp(logp - old_logp.detach())
    low = None if eps_low is None else 1 - eps_low
    weight = torch.clamp(ratio, min=low, max=1 + eps_high).detach()
    per_token = -weight * advantages.detach()[:, None] * logp
    b, t = per_token.shape
    if mode == "token-mean":
        return per_token.sum() / max(b * t, 1)
    if mode == "seq-mean-token-mean":
        return (per_token.sum(-1) / max(t, 1)).sum() / max(b, 1)
    if mode == "seq-mean-token-sum":
        return per_token.sum() / max(b, 1)
    if mode == "dr-grpo":
        return per_token.sum() / max(b * t, 1)
    raise ValueError(f"unknown mode {mode!r}: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")
