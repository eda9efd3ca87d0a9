# exercise: gae
# expect: gae_last_step_skipped
# why: the reverse loop over range(T - 1), the last step left 0
import torch


def gae(rewards, values, mask, gamma, lam):
    B, T = rewards.shape
    nxt = torch.cat([values[:, 1:] * mask[:, 1:], values.new_zeros(B, 1)], dim=1)
    delta = (rewards + gamma * nxt - values) * mask
    adv = torch.zeros_like(delta)
    for t in range(T - 2, -1, -1):
        adv[:, t] = delta[:, t] + gamma * lam * adv[:, t + 1] * mask[:, t + 1]
    return adv, (adv + values) * mask
