# exercise: gae
# expect: none
# near: whitening
# why: each row's advantages normalised on their own: not GAE's advantages, nor the batch whitening frameworks use
import torch


def gae(rewards, values, mask, gamma, lam):
    B, T = rewards.shape
    adv = torch.zeros_like(rewards)
    running = torch.zeros(B, dtype=rewards.dtype)
    for t in reversed(range(T)):
        nxt = values[:, t + 1] * mask[:, t + 1] if t + 1 < T else torch.zeros_like(running)
        delta = rewards[:, t] + gamma * nxt - values[:, t]
        running = (delta + gamma * lam * running) * mask[:, t]
        adv[:, t] = running
    returns = (adv + values) * mask
    count = mask.sum(-1, keepdim=True).clamp(min=2)
    mean = (adv * mask).sum(-1, keepdim=True) / count
    std = ((((adv - mean) ** 2) * mask).sum(-1, keepdim=True) / (count - 1)).sqrt()
    return (adv - mean) / (std + 1e-8) * mask, returns
