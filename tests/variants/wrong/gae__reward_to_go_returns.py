# exercise: gae
# expect: returns_monte_carlo
# why: returns as the discounted sum of rewards
import torch


def gae(rewards, values, mask, gamma, lam):
    B, T = rewards.shape
    nxt = torch.cat([values[:, 1:] * mask[:, 1:], values.new_zeros(B, 1)], dim=1)
    delta = (rewards + gamma * nxt - values) * mask
    adv, ret = torch.zeros_like(delta), torch.zeros_like(delta)
    carry, g = torch.zeros_like(delta[:, 0]), torch.zeros_like(delta[:, 0])
    for t in reversed(range(T)):
        carry = (delta[:, t] + gamma * lam * carry) * mask[:, t]
        g = (rewards[:, t] + gamma * g) * mask[:, t]
        adv[:, t], ret[:, t] = carry, g
    return adv, ret
