# exercise: gspo_loss
# Both forms from the same mean log-ratio; the token form's stop-gradients written out.
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    old_logp, advantages = old_logp.detach(), advantages.detach()
    real = mask > 0
    n = real.sum(-1)
    log_ratio = torch.where(real, logp - old_logp, torch.zeros_like(logp))
    mean_log_ratio = log_ratio.sum(-1) / n.clamp(min=1)
    if token_form:
        s = torch.exp(mean_log_ratio.detach().unsqueeze(-1) + logp - logp.detach())
        a = advantages if advantages.dim() == 2 else advantages.unsqueeze(-1)
        per_token = -torch.minimum(s * a, torch.clamp(s, 1 - clip_eps, 1 + high) * a)
        per_token = torch.where(real, per_token, torch.zeros_like(per_token))
        per_seq = per_token.sum(-1) / n.clamp(min=1)
    else:
        s = torch.exp(mean_log_ratio)
        per_seq = -torch.minimum(s * advantages, torch.clamp(s, 1 - clip_eps, 1 + high) * advantages)
        per_seq = torch.where(n > 0, per_seq, torch.zeros_like(per_seq))
    return per_seq.sum() / max(per_seq.shape[0], 1)
