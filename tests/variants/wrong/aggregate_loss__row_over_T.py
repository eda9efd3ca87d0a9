# exercise: aggregate_loss
# expect: mask_ignored_denominator
# near: empty
# why: seq-mean-token-mean divides each row by T, not by its own number of tokens
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
    if mode == "seq-mean-token-mean":
        return ((loss * mask).sum(-1) / max(loss.shape[1], 1)).sum() / max(loss.shape[0], 1)
    return _ok(loss, mask, mode)
