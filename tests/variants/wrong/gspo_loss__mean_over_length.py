# exercise: gspo_loss
# expect: gspo_length_with_padding
# near: empty
# why: the mean log-ratio over every position, padding included (mean(-1)), which never divides by 0
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    log_s = ((logp - old_logp.detach()) * mask).mean(-1)
    s = torch.exp(log_s.detach()[:, None] + logp - logp.detach()) if token_form else log_s.exp()[:, None]
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    per_token = -torch.min(s * a, s.clamp(1 - clip_eps, 1 + high) * a) * mask
    return (per_token.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / max(logp.shape[0], 1)
