# exercise: aggregate_loss
# Denominators through torch.maximum with a ones tensor; the seq means via mean() guarded for B = 0.
import torch


def aggregate_loss(loss: torch.Tensor, mask: torch.Tensor, mode: str) -> torch.Tensor:
    one = torch.ones((), dtype=loss.dtype, device=loss.device)
    num = loss * mask
    if mode == "token-mean":
        return num.sum() / torch.maximum(mask.sum(), one)
    if mode in ("seq-mean-token-mean", "seq-mean-token-sum"):
        if loss.shape[0] == 0:
            return num.sum()
        per = num.sum(-1)
        if mode == "seq-mean-token-mean":
            per = per / torch.maximum(mask.sum(-1), one)
        return per.mean()
    if mode == "dr-grpo":
        return num.sum() / torch.maximum(torch.tensor(float(mask.numel()), dtype=loss.dtype, device=loss.device), one)
    raise ValueError("valid modes: token-mean | seq-mean-token-mean | seq-mean-token-sum | dr-grpo")
