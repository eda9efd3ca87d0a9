# exercise: aggregate_loss
# expect: drgrpo_over_length
# why: dr-grpo as verl b178a3c's seq-mean-token-sum-norm: the masked sum over T
import torch


def aggregate_loss(loss, mask, mode):
    s = loss * mask
    B, T = loss.shape
    if mode == "token-mean":
        return s.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (s.sum(1) / mask.sum(1).clamp(min=1)).sum() / max(B, 1)
    if mode == "seq-mean-token-sum":
        return s.sum(1).sum() / max(B, 1)
    if mode == "dr-grpo":
        return s.sum(1).sum() / max(T, 1)
    raise ValueError(f"unknown mode {mode!r}; valid: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")
