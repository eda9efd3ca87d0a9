# exercise: gae
# misses: whitening
# expect: advantages_whitened
# why: GAE right, then the advantages whitened over the batch's real tokens (TRL whitens after its GAE), padding 0
import torch


def gae(rewards, values, mask, gamma, lam):
    B, T = rewards.shape
    adv = torch.zeros_like(rewards)
    running = rewards.new_zeros(B)
    next_value = rewards.new_zeros(B)
    for t in reversed(range(T)):
        m = mask[:, t]
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        running = torch.where(m > 0, delta + gamma * lam * running, torch.zeros_like(running))
        next_value = torch.where(m > 0, values[:, t], torch.zeros_like(next_value))
        adv[:, t] = running
    returns = torch.where(mask > 0, adv + values, torch.zeros_like(adv))
    real = mask > 0
    n = real.sum()
    if n < 2:
        return adv, returns
    mean = adv[real].mean()
    std = adv[real].std()
    return torch.where(real, (adv - mean) / std, torch.zeros_like(adv)), returns
