# exercise: gae
import torch


def gae(rewards, values, mask, gamma, lam):
    B, T = rewards.shape
    advantages = torch.zeros_like(values)
    next_value = torch.zeros_like(values[:, 0])
    next_adv = torch.zeros_like(values[:, 0])
    for t in range(T - 1, -1, -1):
        m = mask[:, t]
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        next_adv = (delta + gamma * lam * next_adv) * m
        next_value = values[:, t] * m
        advantages[:, t] = next_adv
    return advantages, (advantages + values) * mask
