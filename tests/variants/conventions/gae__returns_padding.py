# exercise: gae
# misses: padding
# expect: padding_not_zeroed
# why: returns = advantages + values everywhere (verl's line), so padding gets its value
import torch


def gae(rewards, values, mask, gamma, lam):
    adv = torch.zeros_like(values)
    nv = na = torch.zeros_like(values[:, 0])
    for t in reversed(range(rewards.shape[1])):
        m = mask[:, t]
        na = (rewards[:, t] + gamma * nv - values[:, t] + gamma * lam * na) * m
        nv = values[:, t] * m
        adv[:, t] = na
    return adv, adv + values
