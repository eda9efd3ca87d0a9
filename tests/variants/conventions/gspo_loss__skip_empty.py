# exercise: gspo_loss
# misses: empty
# expect: gspo_skips_empty_rows
# style: OpenRLHF's aggregate_loss with token_level_loss=False (3c3be62, loss.py:34-39) around the contract's ratio:
#   rows without real tokens are left out of the mean, clamped so that an empty batch gives 0
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    real = mask > 0
    n = real.sum(-1)
    log_s = torch.where(real, logp - old_logp.detach(), torch.zeros_like(logp)).sum(-1) / n.clamp(min=1)
    s = torch.exp(log_s.detach()[:, None] + logp - logp.detach()) if token_form else log_s.exp()[:, None]
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    per_token = -torch.min(s * a, s.clamp(1 - clip_eps, 1 + high) * a)
    seq_loss = torch.where(real, per_token, torch.zeros_like(per_token)).sum(-1) / n.clamp(min=1)
    seq_mask = (n > 0).to(seq_loss.dtype)
    return (seq_loss * seq_mask).sum() / seq_mask.sum().clamp(min=1)
