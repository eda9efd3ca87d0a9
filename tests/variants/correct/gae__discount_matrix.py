# exercise: gae
import torch


def gae(rewards, values, mask, gamma, lam):
    # vectorised: A_t = sum_{s >= t} (gamma lam)^(s - t) delta_s, the deltas zero on padding
    B, T = rewards.shape
    next_v = torch.cat([values[:, 1:] * mask[:, 1:], torch.zeros_like(values[:, :1])], dim=1)
    delta = (rewards + gamma * next_v - values) * mask
    idx = torch.arange(T, device=rewards.device)
    gap = idx[None, :] - idx[:, None]  # s - t
    weights = torch.where(gap >= 0, torch.tensor(gamma * lam, dtype=delta.dtype, device=delta.device)
                          ** gap.clamp(min=0).to(delta.dtype), torch.zeros((), dtype=delta.dtype, device=delta.device))
    advantages = delta @ weights.T
    return advantages, (advantages + values) * mask
