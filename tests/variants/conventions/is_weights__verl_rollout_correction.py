# exercise: is_weights
# misses: extreme_ratios
# expect: is_log_ratio_clamped
# style: verl's compute_rollout_correction_weights (b178a3c, rollout_corr_helper.py:481-599): the log-ratio (or its
#   masked sum) clamped to +-SAFETY_BOUND = 20 before exp, times the response mask, truncated, detached; verl's own
#   levels are "token" and "sequence", the geometric mean and MIS written in the same manner
import torch

SAFETY_BOUND = 20.0


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    valid_is_levels = {"token", "sequence", "geometric"}
    if level not in valid_is_levels:
        raise ValueError(f"Invalid rollout_is: {level}. Must be one of {sorted(valid_is_levels)}.")
    if mode not in ("truncate", "mask"):
        raise ValueError(f"Invalid mode: {mode}. Must be one of ['mask', 'truncate'].")
    log_ratio = logp_train - logp_rollout
    if level == "token":
        log_ratio_safe = torch.clamp(log_ratio, min=-SAFETY_BOUND, max=SAFETY_BOUND)
        weights = torch.exp(log_ratio_safe)
    else:
        log_ratio_sum = (log_ratio * mask).sum(dim=-1).unsqueeze(-1)
        if level == "geometric":
            log_ratio_sum = log_ratio_sum / mask.sum(dim=-1, keepdim=True).clamp(min=1)
        log_ratio_sum_safe = torch.clamp(log_ratio_sum, min=-SAFETY_BOUND, max=SAFETY_BOUND)
        weights = torch.exp(log_ratio_sum_safe).expand_as(log_ratio)
    weights = weights * mask
    if mode == "truncate":
        weights = weights.clamp(max=cap)
    else:
        weights = weights * (weights <= cap)
    return weights.detach()
