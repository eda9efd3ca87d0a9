# exercise: grpo_loss
# expect: wrong_estimator_k2
# why: the KL term as k2
import torch


def _agg(x, mask, mode):
    m, B = x * mask, max(x.shape[0], 1)
    if mode == "token-mean":
        return m.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (m.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / B
    if mode == "seq-mean-token-sum":
        return m.sum(-1).sum() / B
    if mode == "dr-grpo":
        return m.sum() / max(x.numel(), 1)
    raise ValueError(f"unknown mode {mode!r}; valid: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    old_logp, ref_logp, a = old_logp.detach(), ref_logp.detach(), advantages.detach()[:, None]
    high = clip_eps if clip_eps_high is None else clip_eps_high
    ratio = torch.exp(logp - old_logp)
    pg = -torch.minimum(ratio * a, ratio.clamp(1 - clip_eps, 1 + high) * a)
    return _agg(pg + beta * 0.5 * (logp - ref_logp) ** 2, mask, mode)
