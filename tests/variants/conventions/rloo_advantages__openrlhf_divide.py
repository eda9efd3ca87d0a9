# exercise: rloo_advantages
# misses: rloo_group_of_one
# expect: rloo_nan_single
# style: OpenRLHF's experience_maker (3c3be62, line 265): baseline = (sum - r) / (n_samples_per_prompt - 1), which is
#   0 / 0 for a group of one
import torch


def rloo_advantages(rewards):
    n_samples_per_prompt = rewards.shape[-1]
    baseline = (rewards.sum(-1, keepdim=True) - rewards) / (n_samples_per_prompt - 1)
    return rewards - baseline
