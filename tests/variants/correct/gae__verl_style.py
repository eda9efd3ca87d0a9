# exercise: gae
import torch


def gae(rewards, values, mask, gamma, lam):
    # verl's compute_gae_advantage_return, without its masked_whiten, and returns masked
    nextvalues = 0
    lastgaelam = 0
    advantages_reversed = []
    T = rewards.shape[-1]
    for t in reversed(range(T)):
        delta = rewards[:, t] + gamma * nextvalues - values[:, t]
        lastgaelam_ = delta + gamma * lam * lastgaelam
        nextvalues = values[:, t] * mask[:, t] + (1 - mask[:, t]) * nextvalues
        lastgaelam = lastgaelam_ * mask[:, t] + (1 - mask[:, t]) * lastgaelam
        advantages_reversed.append(lastgaelam)
    advantages = torch.stack(advantages_reversed[::-1], dim=1)
    returns = (advantages + values) * mask
    return advantages, returns
