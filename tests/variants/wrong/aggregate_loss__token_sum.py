# exercise: aggregate_loss
# expect: seq_sum_not_averaged
# why: seq-mean-token-sum returned as the batch's sum
import torch


def aggregate_loss(loss, mask, mode):
    s = loss * mask
    B = max(loss.shape[0], 1)
    if mode == "token-mean":
        return s.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (s.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / B
    if mode == "seq-mean-token-sum":
        return s.sum(-1).sum()
    if mode == "dr-grpo":
        return s.sum() / max(s.numel(), 1)
    raise ValueError(f"unknown mode {mode!r}; valid: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")
