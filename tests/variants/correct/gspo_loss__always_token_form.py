# exercise: gspo_loss
# The token form for both: with (B,) advantages its value and gradient are the sequence form's.
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    lo, hi = 1 - clip_eps, 1 + (clip_eps if clip_eps_high is None else clip_eps_high)
    m = mask.to(logp.dtype)
    lengths = m.sum(dim=-1, keepdim=True).clamp(min=1)
    log_s = ((logp - old_logp.detach()) * m).sum(dim=-1, keepdim=True) / lengths
    s_t = torch.exp(log_s.detach() + logp - logp.detach())
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    loss = -torch.min(s_t * a, s_t.clamp(lo, hi) * a)
    return ((loss * m).sum(dim=-1) / lengths.squeeze(-1)).sum() / max(logp.shape[0], 1)
