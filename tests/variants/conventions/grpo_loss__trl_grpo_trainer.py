# exercise: grpo_loss
# misses: empty, detach
# expect: grad_leak
# style: TRL's GRPOTrainer._compute_loss (f2cd577): coef_1 = exp(logp - old), -min(coef_1 A, coef_2 A) + beta k3, the
#   loss types' denominators clamped at 1, .mean() over rows (NaN for B = 0), nothing detached
import torch


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    per_token_kl = torch.exp(ref_logp - logp) - (ref_logp - logp) - 1
    coef_1 = torch.exp(logp - old_logp)
    coef_2 = torch.clamp(coef_1, 1 - clip_eps, 1 + (clip_eps if clip_eps_high is None else clip_eps_high))
    a = advantages.unsqueeze(1)
    per_token_loss = -torch.min(coef_1 * a, coef_2 * a)
    if beta != 0.0:
        per_token_loss = per_token_loss + beta * per_token_kl
    if mode == "seq-mean-token-mean":
        return ((per_token_loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
    if mode == "token-mean":
        return (per_token_loss * mask).sum() / mask.sum().clamp(min=1.0)
    if mode == "dr-grpo":
        return (per_token_loss * mask).sum() / (per_token_loss.size(0) * mask.size(1))
    return (per_token_loss * mask).sum(-1).mean()
