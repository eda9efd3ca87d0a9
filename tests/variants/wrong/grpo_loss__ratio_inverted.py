# exercise: grpo_loss
# expect: ppo_ratio_inverted
# why: rho = exp(old_logp - logp)
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
    old, ref, a = old_logp.detach(), ref_logp.detach(), advantages.detach()[:, None]
    hi = clip_eps if clip_eps_high is None else clip_eps_high
    rho = torch.exp(old - logp)
    pg = -torch.min(rho * a, torch.clamp(rho, 1 - clip_eps, 1 + hi) * a)
    lr = ref - logp
    return _aggregate(pg + beta * (lr.exp() - lr - 1), mask, mode)
