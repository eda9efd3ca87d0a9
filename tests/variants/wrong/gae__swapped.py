# exercise: gae
# expect: gamma_lam_swapped
# why: the TD error discounts with lam and the trace with gamma: delta = r + lam V' - V
import torch


def gae(rewards, values, mask, gamma, lam):
    gamma, lam = lam, gamma
    adv = torch.zeros_like(values)
    nv = na = torch.zeros_like(values[:, 0])
    for t in reversed(range(rewards.shape[1])):
        m = mask[:, t]
        na = (rewards[:, t] + gamma * nv - values[:, t] + gamma * lam * na) * m
        nv = values[:, t] * m
        adv[:, t] = na
    return adv, (adv + values) * mask
