# exercise: gspo_loss
# expect: gspo_surrogate_max
# why: the drill's style 1 of gspo_surrogate_max, as a whole submission
import torch


def gspo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              clip_eps: float = 3e-4, clip_eps_high: float | None = 4e-4, token_form: bool = False) -> torch.Tensor:
    high = clip_eps if clip_eps_high is None else clip_eps_high
    real = mask > 0
    n = real.sum(-1)
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    log_s = torch.where(real, logp - old_logp.detach(), torch.zeros_like(logp)).sum(-1) / n.clamp(min=1)
    if token_form:
        s = torch.exp(log_s.detach()[:, None] + logp - logp.detach())
    else:
        s = log_s.exp()[:, None]
    surr1 = s * a
    surr2 = torch.clamp(s, 1 - clip_eps, 1 + high) * a
    per_token = torch.where(real, -torch.maximum(surr1, surr2), torch.zeros_like(surr1))
    return (per_token.sum(-1) / n.clamp(min=1)).sum() / max(logp.shape[0], 1)
