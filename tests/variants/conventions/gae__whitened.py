# exercise: gae
# misses: precision, whitening
# expect: advantages_whitened
# why: verl's masked_whiten applied to the advantages: the contract asks for them raw
import torch


def gae(rewards, values, mask, gamma, lam):
    adv = torch.zeros_like(values)
    nv = na = torch.zeros_like(values[:, 0])
    for t in reversed(range(rewards.shape[1])):
        m = mask[:, t]
        na = (rewards[:, t] + gamma * nv - values[:, t] + gamma * lam * na) * m
        nv = values[:, t] * m
        adv[:, t] = na
    returns = (adv + values) * mask
    n = mask.sum()
    mean = (adv * mask).sum() / n
    var = (((adv - mean) ** 2) * mask).sum() / (n - 1)
    return (adv - mean) * torch.rsqrt(var + 1e-8) * mask, returns
