# exercise: grpo_advantages
# misses: group_of_one
# expect: adv_single_uncentred
# style: verl's compute_grpo_outcome_advantage (b178a3c): scores grouped by prompt index in a Python loop; a group
#   of one gets mean 0 and std 1, so its advantage is r / (1 + eps)
from collections import defaultdict

import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    groups, n = rewards.shape
    scores = rewards.reshape(-1).clone()
    index = [i // n for i in range(groups * n)] if n else []
    by_group = defaultdict(list)
    for i, g in enumerate(index):
        by_group[g].append(scores[i])
    mean, std = {}, {}
    for g, members in by_group.items():
        if len(members) == 1:
            mean[g], std[g] = torch.tensor(0.0), torch.tensor(1.0)
        else:
            stacked = torch.stack(members)
            mean[g], std[g] = stacked.mean(), stacked.std()
    for i, g in enumerate(index):
        scores[i] = (scores[i] - mean[g]) / (std[g] + eps) if scale else scores[i] - mean[g]
    return scores.reshape(groups, n)
