"""Reference solution: a per-token loss to one number, four ways."""

import torch

AGGREGATION_MODES = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "dr-grpo")


def aggregate_loss(loss: torch.Tensor, mask: torch.Tensor, mode: str) -> torch.Tensor:
    # loss, mask: (B, T); mask is 1.0 on real response tokens, 0.0 on padding (in the loss's dtype).
    masked = loss * mask
    batch = max(loss.shape[0], 1)  # every denominator is at least 1: an empty batch gives 0, not NaN
    if mode == "token-mean":  # TRL "bnpo" (DAPO's and TRL "dapo" count the global batch's tokens): every token weighs the same
        return masked.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":  # TRL "grpo", DeepSeekMath's 1/|o_i|: every sequence weighs the same
        return (masked.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / batch
    if mode == "seq-mean-token-sum":
        return masked.sum(-1).sum() / batch
    if mode == "dr-grpo":  # Dr. GRPO / TRL "dr_grpo": a constant denominator, B times the padded length
        return masked.sum() / max(loss.numel(), 1)
    raise ValueError(f"unknown mode {mode!r}; the valid modes are {', '.join(AGGREGATION_MODES)}")
