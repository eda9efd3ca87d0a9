# exercise: aggregate_loss
# misses: precision, empty, mode_error
# expect: agg_skips_empty_rows
# also: agg_nan_when_empty, agg_no_mode_error
# style: verl's agg_loss (b178a3c): masked sums over count + 1e-8, sequence means over the rows that have a token,
#   NaN for an all-zero mask, a ValueError that names only the mode it got
import torch


def aggregate_loss(loss, mask, mode):
    if mode == "token-mean":
        return (loss * mask).sum() / mask.sum()
    row_sums = (loss * mask).sum(-1)
    counts = mask.sum(-1)
    live = (counts > 0).to(loss.dtype)
    if mode == "seq-mean-token-sum":
        return (row_sums * live).sum() / live.sum()
    if mode == "seq-mean-token-mean":
        return (row_sums / (counts + 1e-8) * live).sum() / live.sum()
    if mode == "dr-grpo":
        return row_sums.sum() / (mask.shape[0] * mask.shape[-1])
    raise ValueError(f"Invalid loss_agg_mode: {mode}")
