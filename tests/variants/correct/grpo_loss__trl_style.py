# exercise: grpo_loss
# TRL's GRPOTrainer: coef_1 / coef_2, per_token_loss, then the aggregation (pasted in).
import torch


def _aggregate(loss, mask, mode):
    masked = loss * mask
    batch = max(loss.shape[0], 1)
    if mode == "token-mean":
        return masked.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (masked.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / batch
    if mode == "seq-mean-token-sum":
        return masked.sum(-1).sum() / batch
    if mode == "dr-grpo":
        return masked.sum() / max(loss.numel(), 1)
    raise ValueError("valid: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    old_logp, ref_logp, advantages = old_logp.detach(), ref_logp.detach(), advantages.detach()
    epsilon_high = clip_eps if clip_eps_high is None else clip_eps_high
    coef_1 = torch.exp(logp - old_logp)
    coef_2 = torch.clamp(coef_1, 1 - clip_eps, 1 + epsilon_high)
    per_token_loss1 = coef_1 * advantages.unsqueeze(1)
    per_token_loss2 = coef_2 * advantages.unsqueeze(1)
    per_token_loss = -torch.min(per_token_loss1, per_token_loss2)
    if beta != 0.0:
        per_token_kl = torch.exp(ref_logp - logp) - (ref_logp - logp) - 1
        per_token_loss = per_token_loss + beta * per_token_kl
    return _aggregate(per_token_loss, mask, mode)
