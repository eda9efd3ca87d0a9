# exercise: gspo_loss
# misses: extreme_ratios
# expect: gspo_log_ratio_clamped
# why: the contract's GSPO with verl's "clamp for numerical stability" of the log-ratio at 10 (core_algos.py:1298)
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    real = mask > 0
    n = real.sum(-1)
    log_s = torch.where(real, logp - old_logp.detach(), torch.zeros_like(logp)).sum(-1) / n.clamp(min=1)
    if token_form:
        s = torch.exp(torch.clamp(log_s.detach()[:, None] + logp - logp.detach(), max=10.0))
    else:
        s = torch.exp(torch.clamp(log_s, max=10.0))[:, None]
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    per_token = -torch.min(s * a, s.clamp(1 - clip_eps, 1 + high) * a)
    per_token = torch.where(real, per_token, torch.zeros_like(per_token))
    return (per_token.sum(-1) / n.clamp(min=1)).sum() / max(logp.shape[0], 1)
