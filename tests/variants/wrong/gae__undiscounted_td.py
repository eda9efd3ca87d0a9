# exercise: gae
# expect: gamma_missing
# why: delta = r + V_next - V
import torch


def gae(rewards, values, mask, gamma, lam):
    B, T = rewards.shape
    nxt = torch.cat([values[:, 1:] * mask[:, 1:], values.new_zeros(B, 1)], dim=1)
    delta = (rewards + nxt - values) * mask
    adv = torch.zeros_like(delta)
    carry = torch.zeros_like(delta[:, 0])
    for t in reversed(range(T)):
        carry = (delta[:, t] + gamma * lam * carry) * mask[:, t]
        adv[:, t] = carry
    return adv, (adv + values) * mask
