# exercise: grpo_loss
# misses: precision, empty, dual_clip, detach
# expect: dual_clip
# also: grad_leak
# style: verl's compute_policy_loss_vanilla (b178a3c) plus its KL loss: the log-ratio clamped to [-20, 20], dual-clip
#   at clip_ratio_c = 3 for negative advantages, agg_loss's count + 1e-8 denominators that skip empty rows, nothing
#   detached (old and reference log-probs come from no_grad passes there)
import torch


def _agg(values, mask, mode):
    if mode == "token-mean":
        return (values * mask).sum() / mask.sum()
    rows, counts = (values * mask).sum(-1), mask.sum(-1)
    live = (counts > 0).to(values.dtype)
    if mode == "seq-mean-token-mean":
        return (rows / (counts + 1e-8) * live).sum() / live.sum()
    if mode == "seq-mean-token-sum":
        return (rows * live).sum() / live.sum()
    return rows.sum() / (mask.shape[0] * mask.shape[-1])


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    adv = advantages.unsqueeze(-1)
    ratio = torch.exp(torch.clamp(logp - old_logp, -20.0, 20.0))
    clipped = torch.maximum(-adv * ratio, -adv * torch.clamp(ratio, 1 - clip_eps, 1 + high))
    pg = torch.where(adv < 0, torch.minimum(-adv * 3.0, clipped), clipped)
    u = torch.clamp(ref_logp - logp, -20, 20)
    kld = torch.clamp(torch.exp(u) - u - 1, -10, 10)
    return _agg(pg, mask, mode) + beta * _agg(kld, mask, mode)
