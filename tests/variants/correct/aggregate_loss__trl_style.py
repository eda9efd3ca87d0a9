# exercise: aggregate_loss
# TRL's expressions, one branch per loss_type, clamp(min=1.0) on each denominator.
import torch


def aggregate_loss(loss, mask, mode):
    if mode == "seq-mean-token-mean":
        rows = (loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)
        return rows.sum() / max(rows.numel(), 1)
    if mode == "token-mean":
        return (loss * mask).sum() / mask.sum().clamp(min=1.0)
    if mode == "dr-grpo":
        return (loss * mask).sum() / max(loss.size(0) * loss.size(1), 1)
    if mode == "seq-mean-token-sum":
        return (loss * mask).sum(dim=1).sum() / max(loss.size(0), 1)
    raise ValueError(f"mode must be one of token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo; got {mode}")
