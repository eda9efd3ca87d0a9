# exercise: gspo_loss
# expect: gspo_token_ratio
# why: GRPO's per-token ratio, clipped per token, then averaged per response
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    ratio = torch.exp(logp - old_logp.detach())
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    per_token = -torch.min(ratio * a, ratio.clamp(1 - clip_eps, 1 + high) * a) * mask
    return (per_token.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / max(logp.shape[0], 1)
