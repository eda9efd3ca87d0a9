# exercise: cispo_loss
# expect: cispo_weight_not_detached
# near: detach
# why: the clipped weight left attached: the right value, and PPO's extra gradient where the ratio is inside the range
import torch


def _agg(loss, mask, mode):
    loss = torch.where(mask > 0, loss, torch.zeros_like(loss))
    b = max(loss.shape[0], 1)
    if mode == "token-mean":
        return loss.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (loss.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / b
    if mode == "seq-mean-token-sum":
        return loss.sum() / b
    if mode == "dr-grpo":
        return loss.sum() / max(loss.numel(), 1)
    raise ValueError("valid modes: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")


def cispo_loss(logp, old_logp, advantages, mask, eps_low=None, eps_high=4.0, mode="token-mean"):
    ratio = torch.exp(logp - old_logp.detach())
    weight = torch.clamp(ratio, min=None if eps_low is None else 1 - eps_low, max=1 + eps_high)
    return _agg(-weight * advantages.detach()[:, None] * logp, mask, mode)
