# exercise: gspo_loss
# expect: gspo_ratio_detached
# near: detach
# why: the whole ratio detached along with old_logp, so no gradient reaches the policy
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    real = mask > 0
    n = real.sum(-1)
    with torch.no_grad():
        log_s = torch.where(real, logp - old_logp, torch.zeros_like(logp)).sum(-1) / n.clamp(min=1)
    s = log_s.exp()[:, None]
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    per_token = -torch.min(s * a, s.clamp(1 - clip_eps, 1 + high) * a)
    per_token = torch.where(real, per_token, torch.zeros_like(per_token))
    return (per_token.sum(-1) / n.clamp(min=1)).sum() / max(logp.shape[0], 1)
