# exercise: rloo_advantages
# style: verl's compute_rloo_vectorized_outcome_advantage (b178a3c) on flattened groups: (c r - group sum) / (c - 1),
#   times (c > 1), so a group of one gets 0
import torch


def rloo_advantages(rewards):
    groups, n = rewards.shape
    scores = rewards.reshape(-1)
    inv = torch.arange(groups, device=rewards.device).repeat_interleave(n)
    c = torch.bincount(inv, minlength=groups)[inv].to(scores.dtype)
    sums = torch.zeros(groups, dtype=scores.dtype, device=rewards.device).index_add_(0, inv, scores)[inv]
    adv = ((c * scores - sums) / (c - 1).clamp_min(1)) * (c > 1)
    return adv.reshape(groups, n)
