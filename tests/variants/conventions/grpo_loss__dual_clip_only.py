# exercise: grpo_loss
# misses: dual_clip
# expect: dual_clip
# why: verl's dual-clip (clip_ratio_c = 3) on an otherwise exact GRPO loss: for A < 0 the loss is capped at -3 A
import torch


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    old_logp, ref_logp, advantages = old_logp.detach(), ref_logp.detach(), advantages.detach()
    high = clip_eps if clip_eps_high is None else clip_eps_high
    a = advantages[:, None]
    ratio = torch.exp(logp - old_logp)
    clipped = torch.maximum(-a * ratio, -a * ratio.clamp(1 - clip_eps, 1 + high))
    pg = torch.where(a < 0, torch.minimum(-3.0 * a, clipped), clipped)
    u = ref_logp - logp
    per_token = pg + beta * (torch.expm1(u) - u)
    rows = (per_token * mask).sum(-1)
    if mode == "token-mean":
        return rows.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (rows / mask.sum(-1).clamp(min=1)).sum() / max(rows.shape[0], 1)
    if mode == "seq-mean-token-sum":
        return rows.sum() / max(rows.shape[0], 1)
    return rows.sum() / max(mask.shape[0] * mask.shape[1], 1)
