"""Exercise gae, closed book / 练习 gae（闭卷）: generalised advantage estimation for PPO, with padding."""

import torch


def gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    mask: torch.Tensor,
    gamma: float,
    lam: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimation (Schulman et al. 2016) over right-padded responses.

    Contract
      ``rewards``, ``values`` and ``mask`` have shape (B, T) and one dtype: per token, the shaped reward
      (e.g. masked_rewards_kl's output), the critic's value estimate, and the response mask (a float
      tensor: 1.0 on real tokens, 0.0 on padding; right-padded, a row may be all 0s or all 1s). Rewards
      and values at padding are finite but arbitrary and must have no influence. ``gamma`` (the discount)
      and ``lam`` (GAE's lambda) are Python floats in [0, 1]. Return a tuple ``(advantages, returns)`` of
      two (B, T) tensors: the GAE(gamma, lambda) advantage of each real token, each response ending at its
      last real token (nothing is bootstrapped past it), and the critic's regression targets PPO derives
      from them. No whitening. Required: both exactly 0 on padding; the inputs' dtype and device; inputs
      not modified; B = 0 gives (0, T) results; T = 0 gives (B, 0) results (raising is accepted there).
      A loop or a vectorised version are both fine. Gradients are not graded.

    契约
      ``rewards``、``values`` 和 ``mask`` 形状均为 (B, T)，dtype 相同：每个 token 上的塑形奖励（例如
      masked_rewards_kl 的输出）、critic 的价值估计，以及回答的 mask（float 张量：真实 token 为 1.0，padding
      为 0.0；右侧 padding，某行可以全为 0 或全为 1）。padding 处的奖励和价值有限但任意，且不得产生任何影响。
      ``gamma``（折扣）和 ``lam``（GAE 的 lambda）是 [0, 1] 内的 Python 浮点数。返回二元组 ``(advantages,
      returns)``，两个 (B, T) 张量：每个真实 token 的 GAE(gamma, lambda) 优势（每条回答在最后一个真实 token 处
      结束，不在其后做自举），以及 PPO 由此得到的 critic 回归目标。不做白化。要求：两者在 padding 上恰好为 0；
      dtype 和 device 与输入一致；不得修改输入；B = 0 时返回 (0, T)；T = 0 时返回 (B, 0)（此时抛出异常也可以）。
      循环或向量化写法都可以。不评判梯度。
    """
    raise NotImplementedError("write gae here / 在这里实现 gae")
