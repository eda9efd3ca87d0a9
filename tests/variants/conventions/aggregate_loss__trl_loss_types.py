# exercise: aggregate_loss
# misses: empty, mode_error
# expect: agg_nan_when_empty
# also: agg_no_mode_error
# style: TRL's GRPOTrainer loss types (f2cd577): "grpo" = seq-mean-token-mean, "bnpo" = token-mean, "dr_grpo" over
#   B x max_completion_length, denominators clamped at 1; .mean() over no rows is NaN
import torch


def aggregate_loss(loss, mask, mode):
    if mode == "seq-mean-token-mean":
        return ((loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
    if mode == "token-mean":
        return (loss * mask).sum() / mask.sum().clamp(min=1.0)
    if mode == "seq-mean-token-sum":
        return (loss * mask).sum(-1).mean()
    if mode == "dr-grpo":
        return (loss * mask).sum() / (loss.size(0) * mask.size(1))
    raise ValueError(f"Unknown loss type: {mode}")
