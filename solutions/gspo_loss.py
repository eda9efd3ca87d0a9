"""Reference solution: GSPO's loss, with its length-normalised sequence ratio clipped per sequence."""

import torch


def gspo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              clip_eps: float = 3e-4, clip_eps_high: float | None = 4e-4, token_form: bool = False) -> torch.Tensor:
    old, adv = old_logp.detach(), advantages.detach()  # from no_grad passes: no gradient may reach them
    high = clip_eps if clip_eps_high is None else clip_eps_high
    real = mask > 0
    count = real.sum(dim=-1)
    batch = max(logp.shape[0], 1)  # every one of the B rows counts; an empty row adds 0
    diff = logp - old
    # log s_i: the mean log-ratio over the row's real tokens (its gradient reaches each of them).
    log_s = torch.where(real, diff, torch.zeros_like(diff)).sum(dim=-1) / count.clamp(min=1)
    if not token_form:
        s = torch.exp(log_s)
        per_sequence = -torch.min(s * adv, torch.clamp(s, 1 - clip_eps, 1 + high) * adv)
        return torch.where(count > 0, per_sequence, torch.zeros_like(per_sequence)).sum() / batch
    # GSPO-token: s_i,t = sg(s_i) * pi(y_t) / sg(pi(y_t)), whose value is s_i, and whose gradient weighs
    # token t's own advantage (an (B,) advantage broadcast over the row gives the sequence form back).
    s_t = torch.exp(log_s.detach()[:, None] + logp - logp.detach())
    a = adv[:, None] if adv.dim() == 1 else adv
    per_token = -torch.min(s_t * a, torch.clamp(s_t, 1 - clip_eps, 1 + high) * a)
    per_token = torch.where(real, per_token, torch.zeros_like(per_token))
    return (per_token.sum(dim=-1) / count.clamp(min=1)).sum() / batch  # seq-mean-token-mean
