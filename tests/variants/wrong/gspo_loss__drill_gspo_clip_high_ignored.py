# exercise: gspo_loss
# expect: gspo_clip_high_ignored
# why: the drill's style 1 of gspo_clip_high_ignored, as a whole submission
import torch


def gspo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              clip_eps: float = 3e-4, clip_eps_high: float | None = 4e-4, token_form: bool = False) -> torch.Tensor:
    eps = clip_eps
    real = mask > 0
    n = real.sum(-1)
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    log_s = torch.where(real, logp - old_logp.detach(), torch.zeros_like(logp)).sum(-1) / n.clamp(min=1)
    if token_form:
        s = torch.exp(log_s.detach()[:, None] + logp - logp.detach())
    else:
        s = log_s.exp()[:, None]
    per_token = -torch.min(s * a, s.clamp(1 - eps, 1 + eps) * a)
    per_token = torch.where(real, per_token, torch.zeros_like(per_token))
    return (per_token.sum(-1) / n.clamp(min=1)).sum() / max(logp.shape[0], 1)
