"""Exercise gae / 练习 gae: generalised advantage estimation for PPO, with padding."""

import torch


def gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    mask: torch.Tensor,
    gamma: float,
    lam: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """GAE advantages and value targets (returns) over right-padded responses, without whitening.

    Contract
      ``rewards``, ``values`` and ``mask`` have shape (B, T) and one dtype: per token, the shaped reward
      (e.g. masked_rewards_kl's), the critic's value V_t, and the response mask (a float tensor, 1.0 on
      real tokens, 0.0 on padding). Responses are right-padded (1s then 0s; a row may be all 0s or all
      1s). Rewards and values at padding are finite but arbitrary. ``gamma`` and ``lam`` are Python
      floats in [0, 1]. Return a tuple ``(advantages, returns)`` of two (B, T) tensors, with m_t = mask:

          delta_t = r_t + gamma * V_{t+1} * m_{t+1} - V_t            (V_T m_T = 0: nothing past the end)
          A_t     = delta_t + gamma * lam * m_{t+1} * A_{t+1}        (A_T = 0), on real tokens
          A_t     = 0 where m_t = 0
          returns = A + V on real tokens, 0 on padding

      a reverse scan (a loop over t from T - 1 down to 0, or a vectorised equivalent). No whitening here
      (verl 1dda039 whitens the advantages at the end of its compute_gae_advantage_return, TRL's PPO right
      after its GAE, OpenRLHF outside it: a convention, and always after the returns are formed). Padding
      positions of both results are exactly 0; the last real token does not bootstrap from the value at the
      first padding position. The results
      have the inputs' dtype and device; the inputs are not modified; B = 0 gives (0, T) results; T = 0
      gives (B, 0) results (raising there is accepted too). Gradients are not graded (rollout data).

    Example
      >>> advantages, returns = gae(torch.tensor([[0.0, 0.0, 1.0], [0.0, 1.0, 5.0]]),
      ...                           torch.tensor([[0.5, 0.6, 0.7], [0.5, 0.6, 2.0]]),
      ...                           torch.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]]), 0.9, 0.8)
      >>> advantages
      tensor([[0.2171, 0.2460, 0.3000],
              [0.3280, 0.4000, 0.0000]])
      >>> returns
      tensor([[0.7171, 0.8460, 1.0000],
              [0.8280, 1.0000, 0.0000]])

    契约
      ``rewards``、``values`` 和 ``mask`` 形状均为 (B, T)，dtype 相同：每个 token 上的塑形奖励（例如
      masked_rewards_kl 的结果）、critic 给出的价值 V_t，以及回答的 mask（float 张量，真实 token 为 1.0，
      padding 为 0.0）。回答右侧 padding（先 1 后 0；某行可以全为 0 或全为 1）。padding 处的奖励和价值是有限值，
      但取值任意。``gamma`` 和 ``lam`` 是 [0, 1] 内的 Python 浮点数。返回二元组 ``(advantages, returns)``，
      两个 (B, T) 张量，记 m_t = mask：

          delta_t = r_t + gamma * V_{t+1} * m_{t+1} - V_t            （V_T m_T = 0：末尾之后什么都没有）
          A_t     = delta_t + gamma * lam * m_{t+1} * A_{t+1}        （A_T = 0），在真实 token 上
          A_t     = 0，当 m_t = 0
          returns = 真实 token 上为 A + V，padding 上为 0

      这是一个反向扫描（t 从 T - 1 循环到 0，或等价的向量化写法）。这里不做白化（verl 1dda039 在
      compute_gae_advantage_return 的最后对优势做白化，TRL 的 PPO 在 GAE 之后紧接着白化，OpenRLHF 在外面白化：
      这是约定上的差别，而且总是在算出回报之后）。
      两个结果在 padding 位置都必须恰好为 0；最后一个真实 token 不能用第一个 padding 位置上的价值做自举。
      结果的 dtype 和 device 与输入一致；不得修改输入；B = 0 时返回 (0, T) 的结果；T = 0 时返回 (B, 0) 的结果
      （此时抛出异常也可以接受）。本题不评判梯度（这些是 rollout 数据）。
    """
    raise NotImplementedError("write gae here / 在这里实现 gae")
