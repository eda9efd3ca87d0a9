# exercise: cispo_loss
# expect: cispo_cap_confused
# why: TRL's epsilon_high read into this signature: the ratio capped at eps_high itself
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
    coef_1 = torch.exp(logp - old_logp)
    clamped = torch.clamp(coef_1, min=None if eps_low is None else 1 - eps_low, max=eps_high).detach()
    return _agg(-clamped * advantages.detach()[:, None] * logp, mask, mode)
