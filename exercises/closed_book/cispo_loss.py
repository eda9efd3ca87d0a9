"""Exercise cispo_loss (closed book) / 练习 cispo_loss（闭卷）: CISPO's policy loss."""

import torch


def cispo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
               eps_low: float | None = None, eps_high: float = 4.0, mode: str = "token-mean") -> torch.Tensor:
    """CISPO's policy loss (Clipped IS-weight Policy Optimization, MiniMax-M1 2025).

    Contract
      ``logp``, ``old_logp``: (B, T) log-probabilities of the sampled tokens under the policy being
      trained and the policy that sampled them. ``advantages``: (B,), one per response. ``mask``:
      (B, T), 1.0 on real tokens, 0.0 on padding, any pattern. One dtype (float32 or float64), every
      value finite. ``eps_low`` (None: no lower bound) and ``eps_high`` bound the importance ratio's
      clip range around 1; ``mode`` is one of aggregate_loss's four modes.
      Return CISPO's 0-d loss: a REINFORCE-style per-token term, the token's log-probability times the
      response's advantage, weighted by the token's importance ratio clipped to the range and treated
      as a constant; minimised, so negated; then aggregated as aggregate_loss does.
      Required properties: every real token keeps a gradient, even one whose ratio left the range (the
      difference with PPO's clip); the gradient is the clipped weight times the advantage, negated,
      over the aggregation's denominator; gradients reach ``logp`` only; empty rows, masks and batches
      give 0; an unknown mode raises ValueError naming the valid ones. verl's loss_mode "cispo" always
      has a lower bound and clamps the log-ratio at +-20; TRL's loss_type "cispo" caps the ratio at
      epsilon_high itself (1 + eps_high here) with no lower bound. Called positionally as
      ``cispo_loss(logp, old_logp, advantages, mask, eps_low, eps_high, mode)``. The inputs' dtype and
      device; float64 inputs need float64 arithmetic; do not modify the inputs; keep no state between
      calls.

    契约
      ``logp``、``old_logp``：(B, T)，分别是采样 token 在正在训练的策略和采样它们的策略下的对数概率。
      ``advantages``：(B,)，每条回答一个。``mask``：(B, T)，真实 token 处为 1.0，padding 处为 0.0，任意模式。
      dtype 相同（float32 或 float64），所有值都有限。``eps_low``（None 表示没有下界）和 ``eps_high`` 限定重要性
      比值在 1 附近的裁剪范围；``mode`` 取 aggregate_loss 的四种模式之一。
      返回 CISPO 的 0 维损失：REINFORCE 式的逐 token 项，即 token 的对数概率乘以该回答的优势，再以 token 的
      重要性比值（裁剪到范围内，并视为常数）加权；因为要最小化，所以取负；然后像 aggregate_loss 那样聚合。
      必须满足：每个真实 token 都保留梯度，即使它的比值越出了范围（这正是与 PPO 裁剪的区别）；梯度等于裁剪后
      的权重乘以优势、取负、再除以聚合的分母；梯度只传到 ``logp``；空行、空 mask 和空 batch 给出 0；未知的 mode
      抛出 ValueError 并列出合法取值。verl 的 loss_mode "cispo" 总有下界，并把对数比裁剪在 ±20；TRL 的
      loss_type "cispo" 直接把比值上限设为 epsilon_high 本身（即这里的 1 + eps_high），没有下界。按位置调用
      ``cispo_loss(logp, old_logp, advantages, mask, eps_low, eps_high, mode)``。结果的 dtype 和 device 与输入
      相同；float64 输入需要用 float64 计算；不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write cispo_loss here / 在这里实现 cispo_loss")
