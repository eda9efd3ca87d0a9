# exercise: is_weights
# misses: empty
# expect: t4_nan_when_empty
# style: OpenRLHF's PolicyLoss vLLM correction (3c3be62, loss.py:197-217): masked_mean (sum / mask.sum(), no clamp)
#   for the geometric mean, so a row without real tokens is 0 / 0; the weights detached
import torch


def masked_mean(tensor, mask, dim=None):
    return (tensor * mask).sum(dim=dim) / mask.sum(dim=dim)


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    if level not in ("token", "sequence", "geometric") or mode not in ("truncate", "mask"):
        raise ValueError("level must be token, sequence or geometric; mode truncate or mask")
    rollout_log_ratio = logp_train - logp_rollout
    if level == "token":
        log_w = rollout_log_ratio
    elif level == "sequence":
        log_w = (rollout_log_ratio * mask).sum(-1, keepdim=True).expand_as(mask)
    else:
        log_w = masked_mean(rollout_log_ratio, mask, dim=-1).unsqueeze(-1).expand_as(mask)
    vllm_is = torch.exp(log_w).detach()
    if mode == "truncate":
        vllm_is = vllm_is.clamp(max=cap)
    else:
        vllm_is = vllm_is * (vllm_is <= cap)
    return vllm_is * mask
