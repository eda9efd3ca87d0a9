# exercise: gspo_loss
# expect: gspo_token_mean
# why: the sequence ratio broadcast over the tokens, then a token mean over the batch (TRL's loss_type "dapo")
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    high = clip_eps if clip_eps_high is None else clip_eps_high
    log_s = ((logp - old_logp.detach()) * mask).sum(-1, keepdim=True) / mask.sum(-1, keepdim=True).clamp(min=1)
    if token_form:
        log_s = log_s.detach() + logp - logp.detach()
    s = log_s.exp()
    a = advantages.detach()
    a = a if a.dim() == 2 else a[:, None]
    per_token = -torch.min(s * a, s.clamp(1 - clip_eps, 1 + high) * a)
    return (per_token * mask).sum() / mask.sum().clamp(min=1)
