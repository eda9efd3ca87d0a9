# exercise: rloo_advantages
# misses: rloo_group_of_one
# expect: rloo_single_keeps_reward
# style: verl's compute_rloo_outcome_advantage (b178a3c, core_algos.py:476-525) in its own loop over prompt
#   indices: groups of more than one are rescaled, a group of one keeps its score
import torch
from collections import defaultdict


def rloo_advantages(rewards):
    scores = rewards.reshape(-1).clone()
    index = [g for g in range(rewards.shape[0]) for _ in range(rewards.shape[1])]
    id2score = defaultdict(list)
    id2mean = {}
    with torch.no_grad():
        for i in range(scores.shape[0]):
            id2score[index[i]].append(scores[i])
        for idx in id2score:
            if len(id2score[idx]) == 1:
                id2mean[idx] = torch.tensor(0.0)
            else:
                id2mean[idx] = torch.mean(torch.stack(id2score[idx]))
        for i in range(scores.shape[0]):
            num = len(id2score[index[i]])
            if num > 1:
                scores[i] = scores[i] * num / (num - 1) - id2mean[index[i]] * num / (num - 1)
    return scores.reshape(rewards.shape)
