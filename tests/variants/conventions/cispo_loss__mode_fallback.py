# exercise: cispo_loss
# misses: option_error
# expect: cispo_no_mode_error
# why: an if/elif chain whose last branch takes every other name, so a typo silently becomes dr-grpo
import torch


def cispo_loss(logp, old_logp, advantages, mask, eps_low=None, eps_high=4.0, mode="token-mean"):
    weight = torch.exp(logp - old_logp).clamp(min=None if eps_low is None else 1 - eps_low, max=1 + eps_high).detach()
    loss = torch.where(mask > 0, -weight * advantages.detach()[:, None] * logp, torch.zeros_like(logp))
    b = max(loss.shape[0], 1)
    if mode == "token-mean":
        return loss.sum() / mask.sum().clamp(min=1)
    elif mode == "seq-mean-token-mean":
        return (loss.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / b
    elif mode == "seq-mean-token-sum":
        return loss.sum() / b
    else:
        return loss.sum() / max(loss.numel(), 1)
