# exercise: grpo_advantages
# misses: precision, eps
# expect: adv_eps_fixed
# style: TRL's GRPOTrainer (f2cd577): std by nanstd (its Bessel factor count / (count - 1) is float32 even for
#   float64 rewards), 1e-4 added whatever eps is asked, NaN advantages (groups of one) set to 0
import torch


def _nanstd(x):
    mean = torch.nanmean(x, dim=1, keepdim=True)
    var = torch.nanmean((x - mean) ** 2, dim=1, keepdim=True)
    count = torch.sum(~torch.isnan(x), dim=1, keepdim=True)
    factor = torch.where(count > 1, count / (count - 1), torch.full_like(count, float("nan"), dtype=torch.float32))
    return torch.sqrt(var * factor).squeeze(1)


def grpo_advantages(rewards, scale=True, eps=1e-6):
    n = rewards.shape[1]
    mean = torch.nanmean(rewards, dim=1).repeat_interleave(n)
    std = _nanstd(rewards).repeat_interleave(n)
    adv = rewards.reshape(-1) - mean
    if scale:
        adv = adv / (std + 1e-4)
    return torch.nan_to_num(adv, nan=0.0).view_as(rewards)
