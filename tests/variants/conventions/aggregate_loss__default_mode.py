# exercise: aggregate_loss
# misses: mode_error
# expect: agg_no_mode_error
# why: an unknown mode silently falls back to token-mean
import torch


def aggregate_loss(loss, mask, mode):
    masked = loss * mask
    batch = max(loss.shape[0], 1)
    if mode == "seq-mean-token-mean":
        return (masked.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / batch
    if mode == "seq-mean-token-sum":
        return masked.sum(-1).sum() / batch
    if mode == "dr-grpo":
        return masked.sum() / max(loss.numel(), 1)
    return masked.sum() / mask.sum().clamp(min=1)
