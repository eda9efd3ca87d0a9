# exercise: gae
# expect: returns_missing_values
# why: returns = advantages, without adding the values back
import torch


def gae(rewards, values, mask, gamma, lam):
    adv = torch.zeros_like(values)
    nv = na = torch.zeros_like(values[:, 0])
    for t in reversed(range(rewards.shape[1])):
        m = mask[:, t]
        na = (rewards[:, t] + gamma * nv - values[:, t] + gamma * lam * na) * m
        nv = values[:, t] * m
        adv[:, t] = na
    return adv, adv.clone()
