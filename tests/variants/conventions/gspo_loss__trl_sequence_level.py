# exercise: gspo_loss
# expect: gspo_grad_leak
# also: t4_nan_when_empty
# misses: empty, detach
# style: TRL's GRPOTrainer._compute_loss (f2cd577, grpo_trainer.py:3054-3126) with importance_sampling_level=
#   "sequence" and loss_type="grpo": the (B, 1) sequence ratio, the masked mean per row, .mean() over the rows (NaN
#   for B = 0); the token form as a stop-gradient on the same ratio; nothing detached (old log-probs and advantages
#   come from no_grad passes there)
import torch


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    epsilon_low, epsilon_high = clip_eps, clip_eps if clip_eps_high is None else clip_eps_high
    log_ratio = logp - old_logp
    log_importance_weights = (log_ratio * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)
    log_importance_weights = log_importance_weights.unsqueeze(-1)
    if token_form:
        log_importance_weights = log_importance_weights.detach() + logp - logp.detach()
    coef_1 = torch.exp(log_importance_weights)
    coef_2 = torch.clamp(coef_1, 1 - epsilon_low, 1 + epsilon_high)
    advantages = advantages if advantages.dim() == 2 else advantages.unsqueeze(1)
    per_token_loss1 = coef_1 * advantages
    per_token_loss2 = coef_2 * advantages
    per_token_loss = -torch.min(per_token_loss1, per_token_loss2)
    return ((per_token_loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
