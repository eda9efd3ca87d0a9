"""Reference solution: generalised advantage estimation over right-padded responses (no whitening)."""

import torch


def gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    mask: torch.Tensor,
    gamma: float,
    lam: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    batch, length = rewards.shape
    dtype = torch.promote_types(rewards.dtype, values.dtype)
    next_value = torch.zeros(batch, dtype=dtype, device=rewards.device)  # V_{t+1} m_{t+1}: 0 past the end
    next_advantage = torch.zeros(batch, dtype=dtype, device=rewards.device)  # A_{t+1} m_{t+1}
    advantages = [None] * length
    for t in reversed(range(length)):  # the reverse scan: A_t needs A_{t+1}
        m = mask[:, t].to(dtype)
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        advantage = (delta + gamma * lam * next_advantage) * m  # exactly 0 on (finite) padding
        next_value, next_advantage = values[:, t] * m, advantage
        advantages[t] = advantage
    if length == 0:
        empty = torch.zeros(batch, 0, dtype=dtype, device=rewards.device)
        return empty, empty.clone()
    advantages = torch.stack(advantages, dim=1)
    returns = (advantages + values) * mask  # the value target on real tokens, 0 on padding
    return advantages, returns
