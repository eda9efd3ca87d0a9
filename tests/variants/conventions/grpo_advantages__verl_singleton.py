# exercise: grpo_advantages
# misses: group_of_one
# expect: adv_single_uncentred
# why: verl's convention for a one-sample group (mean 0, std 1): its advantage is r / (1 + eps), not 0
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    if rewards.shape[-1] == 1:
        mean, std = torch.zeros_like(rewards), torch.ones_like(rewards)
    else:
        mean, std = rewards.mean(-1, keepdim=True), rewards.std(-1, keepdim=True)
    return (rewards - mean) / (std + eps) if scale else rewards - mean
