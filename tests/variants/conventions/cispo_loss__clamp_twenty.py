# exercise: cispo_loss
# misses: extreme_ratios
# expect: cispo_log_ratio_clamped
# why: the contract's CISPO with verl's clamp of the log-ratio to +-20 before exp (core_algos.py:1745)
import torch


def cispo_loss(logp, old_logp, advantages, mask, eps_low=None, eps_high=4.0, mode="token-mean"):
    log_ratio = torch.clamp(logp - old_logp, -20.0, 20.0).detach()
    weight = log_ratio.exp().clamp(min=None if eps_low is None else 1 - eps_low, max=1 + eps_high)
    loss = torch.where(mask > 0, -weight * advantages.detach()[:, None] * logp, torch.zeros_like(logp))
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
