# exercise: grpo_loss
# expect: detached
# near: detach
# why: the policy's own log-probs detached with the others: the loss has no gradient at all
import torch


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    logp, old_logp, ref_logp = logp.detach(), old_logp.detach(), ref_logp.detach()
    high = clip_eps if clip_eps_high is None else clip_eps_high
    a = advantages.detach()[:, None]
    ratio = torch.exp(logp - old_logp)
    per_token = -torch.minimum(ratio * a, ratio.clamp(1 - clip_eps, 1 + high) * a)
    u = ref_logp - logp
    per_token = per_token + beta * (torch.expm1(u) - u)
    rows = (per_token * mask).sum(-1)
    if mode == "token-mean":
        return rows.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (rows / mask.sum(-1).clamp(min=1)).sum() / max(rows.numel(), 1)
    if mode == "seq-mean-token-sum":
        return rows.sum() / max(rows.numel(), 1)
    return rows.sum() / max(mask.shape[0] * mask.shape[1], 1)
