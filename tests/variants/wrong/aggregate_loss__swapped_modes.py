# exercise: aggregate_loss
# expect: agg_modes_confused
# near: mode_error
# why: token-mean and seq-mean-token-mean swapped
import torch


def _ok(loss, mask, mode):
    masked = loss * mask
    batch = max(loss.shape[0], 1)
    if mode == "token-mean":
        return masked.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (masked.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / batch
    if mode == "seq-mean-token-sum":
        return masked.sum(-1).sum() / batch
    if mode == "dr-grpo":
        return masked.sum() / max(loss.numel(), 1)
    raise ValueError("valid: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")


def aggregate_loss(loss, mask, mode):
    swap = {"token-mean": "seq-mean-token-mean", "seq-mean-token-mean": "token-mean"}
    return _ok(loss, mask, swap.get(mode, mode))
