# exercise: cispo_loss
# The bounds as torch.minimum / torch.maximum under no_grad, and the aggregation as a table.
import torch


def _agg(loss, mask, mode):
    masked = loss * mask
    b = max(loss.shape[0], 1)
    table = {
        "token-mean": lambda: masked.sum() / mask.sum().clamp(min=1),
        "seq-mean-token-mean": lambda: (masked.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / b,
        "seq-mean-token-sum": lambda: masked.sum() / b,
        "dr-grpo": lambda: masked.sum() / max(loss.numel(), 1),
    }
    if mode not in table:
        raise ValueError(f"unknown mode {mode!r}; valid: {', '.join(table)}")
    return table[mode]()


def cispo_loss(logp, old_logp, advantages, mask, eps_low=None, eps_high=4.0, mode="token-mean"):
    with torch.no_grad():
        r = (logp - old_logp).exp()
        w = torch.minimum(r, torch.full_like(r, 1 + eps_high))
        if eps_low is not None:
            w = torch.maximum(w, torch.full_like(w, 1 - eps_low))
    return _agg(-w * advantages.detach()[:, None] * logp, mask, mode)
