# exercise: gspo_loss
# With a masked_mean helper (clamped at 1) and a sequence-level surrogate, then the token form on its own.
import torch


def masked_mean(x, mask, dim):
    return (x * mask).sum(dim) / mask.sum(dim).clamp(min=1)


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    eps_high = clip_eps_high if clip_eps_high is not None else clip_eps
    delta = logp - old_logp.detach()
    adv = advantages.detach()
    if not token_form:
        ratio = masked_mean(delta, mask, -1).exp()
        clipped = ratio.clamp(1 - clip_eps, 1 + eps_high)
        loss = -torch.min(ratio * adv, clipped * adv) * (mask.sum(-1) > 0)
        return loss.sum() / max(len(loss), 1)
    log_seq = masked_mean(delta, mask, -1).detach()
    ratio = (log_seq[:, None] + (logp - logp.detach())).exp()
    adv = adv[:, None] if adv.dim() == 1 else adv
    loss = -torch.min(ratio * adv, ratio.clamp(1 - clip_eps, 1 + eps_high) * adv)
    return masked_mean(loss, mask, -1).sum() / max(len(loss), 1)
