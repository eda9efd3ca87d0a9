# exercise: gae
# misses: precision, empty, padding, whitening
# expect: advantages_whitened
# also: padding_not_zeroed
# style: verl's compute_gae_advantage_return (b178a3c): next value and running advantage carried across masked
#   positions, returns = A + V (unmasked at padding), then masked_whiten(A) over the batch's real tokens
#   (rsqrt(var + 1e-8), raising on an empty mask)
import torch


def _whiten(x, m):
    count = m.sum()
    if count <= 1:
        raise ValueError("At least two elements in the mask must be 1.")
    mean = (x * m).sum() / (count + 1e-8)
    var = (((x - mean) ** 2) * m).sum() / (count + 1e-8) * count / (count - 1)
    return (x - mean) * torch.rsqrt(var + 1e-8)


def gae(rewards, values, mask, gamma, lam):
    with torch.no_grad():
        next_value, running, out = 0, 0, []
        for t in reversed(range(rewards.shape[-1])):
            delta = rewards[:, t] + gamma * next_value - values[:, t]
            candidate = delta + gamma * lam * running
            next_value = values[:, t] * mask[:, t] + (1 - mask[:, t]) * next_value
            running = candidate * mask[:, t] + (1 - mask[:, t]) * running
            out.append(running)
        advantages = torch.stack(out[::-1], dim=1)
        returns = advantages + values
        return _whiten(advantages, mask), returns
