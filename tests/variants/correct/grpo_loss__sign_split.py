# exercise: grpo_loss
# The clip written per sign of A (min with 1 + eps_high for A > 0, max with 1 - eps for A < 0), the KL
# through expm1, and the aggregation inlined.
import torch


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    a = advantages.detach().reshape(-1, 1).expand_as(logp)
    ratio = (logp - old_logp.detach()).exp()
    upper = 1 + (clip_eps if clip_eps_high is None else clip_eps_high)
    capped = torch.where(a >= 0, torch.minimum(ratio, torch.full_like(ratio, upper)),
                         torch.maximum(ratio, torch.full_like(ratio, 1 - clip_eps)))
    lr = ref_logp.detach() - logp
    per_token = -capped * a + beta * (torch.expm1(lr) - lr)
    m = mask
    if mode == "token-mean":
        return (per_token * m).sum() / m.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        rows = (per_token * m).sum(1) / m.sum(1).clamp(min=1)
        return rows.sum() / max(rows.shape[0], 1)
    if mode == "seq-mean-token-sum":
        return (per_token * m).sum() / max(m.shape[0], 1)
    if mode == "dr-grpo":
        return (per_token * m).sum() / max(m.numel(), 1)
    raise ValueError(mode)
