# exercise: gae
# expect: gae_padding_leak
# near: padding
# why: the scan ignores the mask (bootstraps from the padding's values), the results masked only at the end
import torch


def gae(rewards, values, mask, gamma, lam):
    T = rewards.shape[1]
    adv = torch.zeros_like(values)
    last = torch.zeros_like(values[:, 0])
    for t in reversed(range(T)):
        nv = values[:, t + 1] if t + 1 < T else torch.zeros_like(values[:, 0])
        last = rewards[:, t] + gamma * nv - values[:, t] + gamma * lam * last
        adv[:, t] = last
    return adv * mask, (adv + values) * mask
