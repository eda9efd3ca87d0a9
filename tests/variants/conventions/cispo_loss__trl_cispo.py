# exercise: cispo_loss
# expect: cispo_grad_leak
# also: cispo_no_mode_error, t4_nan_when_empty
# misses: empty, option_error, detach
# style: TRL's GRPOTrainer loss_type="cispo" (f2cd577, grpo_trainer.py:3081-3082): clamp(coef_1, max=epsilon_high)
#   detached, with TRL's epsilon_high = 1 + eps_high and a lower bound added for eps_low; TRL's loss types as the
#   modes ("bnpo" token-mean, "grpo" with .mean() over rows, NaN for B = 0); ValueError("Unknown loss type")
import torch


def cispo_loss(logp, old_logp, advantages, mask, eps_low=None, eps_high=4.0, mode="token-mean"):
    epsilon_high = 1 + eps_high
    coef_1 = torch.exp(logp - old_logp)
    clamped_ratios = torch.clamp(coef_1, min=None if eps_low is None else 1 - eps_low, max=epsilon_high).detach()
    per_token_loss = -clamped_ratios * advantages.unsqueeze(1) * logp
    if mode == "seq-mean-token-mean":
        return ((per_token_loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
    if mode == "token-mean":
        return (per_token_loss * mask).sum() / mask.sum().clamp(min=1.0)
    if mode == "dr-grpo":
        return (per_token_loss * mask).sum() / (per_token_loss.size(0) * per_token_loss.size(1))
    if mode == "seq-mean-token-sum":
        return (per_token_loss * mask).sum(-1).mean()
    raise ValueError(f"Unknown loss type: {mode}")
