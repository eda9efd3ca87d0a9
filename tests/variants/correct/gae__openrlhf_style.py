# exercise: gae
import torch


def gae(rewards, values, mask, gamma, lam):
    # OpenRLHF's get_advantages_and_returns: mask the inputs first, then a plain scan
    values = mask * values
    rewards = mask * rewards
    lastgaelam = 0
    advantages_reversed = []
    response_length = rewards.size(1)
    for t in reversed(range(response_length)):
        nextvalues = values[:, t + 1] if t < response_length - 1 else 0.0
        delta = rewards[:, t] + gamma * nextvalues - values[:, t]
        lastgaelam = delta + gamma * lam * lastgaelam
        advantages_reversed.append(lastgaelam)
    advantages = torch.stack(advantages_reversed[::-1], dim=1)
    returns = advantages + values
    return advantages, returns
