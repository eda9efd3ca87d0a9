# exercise: grpo_loss
# expect: none
# near: dual_clip
# why: a dual-clip at 1.5 (verl's default is 3): for negative advantages the loss is capped at ordinary ratios
import torch


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    a = advantages[:, None]
    ratio = torch.exp(logp - old_logp)
    clipped = torch.maximum(-a * ratio, -a * ratio.clamp(1 - clip_eps, 1 + high))
    pg = torch.where(a < 0, torch.minimum(-a * 1.5, clipped), clipped)
    u = ref_logp.detach() - logp
    per_token = pg + beta * (torch.expm1(u) - u)
    rows = (per_token * mask).sum(-1)
    counts = mask.sum(-1).clamp(min=1)
    if mode == "token-mean":
        return rows.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (rows / counts).mean() if rows.numel() else rows.sum()
    if mode == "seq-mean-token-sum":
        return rows.mean() if rows.numel() else rows.sum()
    return rows.sum() / max(mask.shape[0] * mask.shape[1], 1)
