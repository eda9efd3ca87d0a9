# exercise: cispo_loss
# Written next to a PPO loss: the same clipped ratio, but detached and multiplying log pi instead of A alone.
import torch


def cispo_loss(logp, old_logp, advantages, mask, eps_low=None, eps_high=4.0, mode="token-mean"):
    old_logp = old_logp.detach()
    adv = advantages.detach()[:, None]
    ratio = torch.exp(logp - old_logp)
    low = float("-inf") if eps_low is None else 1 - eps_low
    clipped = torch.clamp(ratio, low, 1 + eps_high).detach()
    pg_losses = -clipped * adv * logp
    masked = pg_losses * mask
    if mode == "token-mean":
        return masked.sum() / torch.clamp(mask.sum(), min=1)
    if mode == "seq-mean-token-mean":
        per_seq = masked.sum(-1) / torch.clamp(mask.sum(-1), min=1)
        return per_seq.sum() / max(per_seq.numel(), 1)
    if mode == "seq-mean-token-sum":
        return masked.sum(-1).sum() / max(masked.shape[0], 1)
    if mode == "dr-grpo":
        return masked.sum() / max(masked.shape[0] * masked.shape[1], 1)
    raise ValueError("mode must be one of token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")
