# exercise: aggregate_loss
# misses: empty
# expect: agg_skips_empty_rows
# why: verl-style masked mean over the non-empty rows only
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
    if mode in ("seq-mean-token-mean", "seq-mean-token-sum"):
        count = mask.sum(-1)
        rows = (loss * mask).sum(-1)
        if mode == "seq-mean-token-mean":
            rows = rows / count.clamp(min=1)
        keep = (count > 0).to(loss.dtype)
        return (rows * keep).sum() / keep.sum().clamp(min=1)
    return _ok(loss, mask, mode)
