# exercise: aggregate_loss
# torch.where on a bool mask, a Python loop over rows for the seq means, a dict of valid modes.
import torch

VALID = {"token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "dr-grpo"}


def aggregate_loss(loss, mask, mode):
    if mode not in VALID:
        raise ValueError("unknown mode %r (valid: %s)" % (mode, ", ".join(sorted(VALID))))
    kept = torch.where(mask.bool(), loss, torch.zeros_like(loss))
    if mode == "token-mean":
        return kept.sum() / torch.clamp(mask.sum(), min=1)
    if mode == "dr-grpo":
        return kept.sum() / max(kept.numel(), 1)
    total = loss.new_zeros(())
    for row, m in zip(kept, mask):
        total = total + (row.sum() / m.sum().clamp(min=1) if mode == "seq-mean-token-mean" else row.sum())
    return total / max(len(kept), 1)
