"""Exercise cispo_loss / 练习 cispo_loss: CISPO's clipped, detached importance weight."""

import torch


def cispo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
               eps_low: float | None = None, eps_high: float = 4.0, mode: str = "token-mean") -> torch.Tensor:
    """CISPO's policy loss (MiniMax-M1, arXiv:2506.13585) for B responses of T (padded) tokens.

    Contract
      ``logp``, ``old_logp``: (B, T) log-probabilities of the sampled tokens under the policy being
      trained (pi_theta) and the policy that sampled them (pi_old). ``advantages``: (B,), one per
      response, the same for every token of it. ``mask``: (B, T), 1.0 on real tokens, 0.0 on padding
      (any pattern; rows may be all 0). All float tensors share one dtype (float32 or float64); every
      value, padding included, is finite. Per token, with r = exp(logp - old_logp):

          w = sg(clamp(r, 1 - eps_low, 1 + eps_high))
          l = -w * A * logp

      where sg is the stop-gradient (detach) and ``eps_low=None`` means no lower bound (the MiniMax-M1
      paper's choice). Return the 0-d aggregate_loss(l, mask, mode) (the four modes of the
      aggregate_loss exercise, same conventions: denominators clamped at 1, rows and masks without real
      tokens give 0; an unknown mode raises ValueError naming the valid modes). The point of CISPO:
      PPO's min(rA, clip(r)A) gives a token whose ratio left the range no gradient at all; here every
      real token keeps one, d l / d logp = -w A, only its size bounded by the clipped weight. Gradients
      reach ``logp`` only: ``old_logp`` and ``advantages`` come from no_grad passes, and if they
      require grad, no gradient may flow into them (detach). The loss's value is -w A logp, not
      -w A (it is a REINFORCE-style surrogate: its gradient, not its value, is what matters).
      Where frameworks differ (volcengine/verl b178a3c, TRL f2cd577): verl's compute_policy_loss_cispo
      (verl/trainer/ppo/core_algos.py:1722-1779) is this function with eps_low = clip_ratio_low (a lower
      bound always; default 0.2) and eps_high = clip_ratio_high, clamping the log-ratio to +-20 first
      (line 1745), then agg_loss; TRL's loss_type="cispo" (trl/trainer/grpo_trainer.py:3081-3082) caps
      the ratio at epsilon_high itself, clamp(r, max=epsilon_high), with no lower bound (ScaleRL's
      epsilon_max; TRL recommends 5.0, trl/trainer/grpo_config.py:191-195): that is this function with
      eps_low=None and eps_high = TRL's epsilon_high - 1 (the default here, 4.0), aggregated by the
      global batch's token count (token-mean on one process).
      Called positionally, ``cispo_loss(logp, old_logp, advantages, mask, eps_low, eps_high, mode)``
      (None or a float, a float, a str). The result has the inputs' dtype and device; float64 inputs
      need float64 arithmetic. Do not modify the inputs; keep no state between calls.

    Example
      >>> logp = torch.tensor([[-1.0, -2.0, -0.5], [-0.3, -1.2, -9.0]], requires_grad=True)
      >>> old = torch.tensor([[-1.2, -2.1, -0.5], [-0.3, -1.0, -1.0]])
      >>> mask = torch.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
      >>> loss = cispo_loss(logp, old, torch.tensor([1.0, -1.0]), mask, None, 0.2, "token-mean")
      >>> loss
      tensor(0.5256, grad_fn=<DivBackward0>)
      >>> loss.backward()
      >>> logp.grad  # the first token's ratio e^0.2 = 1.22 is clipped to 1.2: it keeps a gradient
      tensor([[-0.2400, -0.2210, -0.2000],
              [ 0.2000,  0.1637,  0.0000]])

    契约
      ``logp``、``old_logp``：(B, T)，分别是采样 token 在正在训练的策略（pi_theta）和采样它们的策略（pi_old）
      下的对数概率。``advantages``：(B,)，每条回答一个，该回答的每个 token 都用同一个值。``mask``：(B, T)，
      真实 token 处为 1.0，padding 处为 0.0（任意模式；某些行可以全为 0）。所有浮点张量 dtype 相同（float32
      或 float64）；所有值（包括 padding 处）都是有限的。逐 token 地，记 r = exp(logp - old_logp)：

          w = sg(clamp(r, 1 - eps_low, 1 + eps_high))
          l = -w * A * logp

      其中 sg 表示停止梯度（detach），``eps_low=None`` 表示没有下界（MiniMax-M1 论文的选择）。返回 0 维的
      aggregate_loss(l, mask, mode)（即 aggregate_loss 练习的四种模式，约定相同：分母下限取 1，没有真实 token
      的行和 mask 给出 0；未知的 mode 抛出 ValueError 并列出有效模式）。CISPO 的要点：PPO 的 min(rA, clip(r)A)
      会让比值越出范围的 token 完全没有梯度；这里每个真实 token 都保留梯度，d l / d logp = -w A，只是大小受
      裁剪后权重的限制。梯度只传到 ``logp``：``old_logp`` 和 ``advantages`` 来自 no_grad 的前向计算，即使它们
      带有 requires_grad，也不能有梯度流进去（请 detach）。损失的值是 -w A logp 而不是 -w A（它是 REINFORCE
      式的替代目标：重要的是梯度，不是值）。
      各框架的不同之处（volcengine/verl b178a3c、TRL f2cd577）：verl 的 compute_policy_loss_cispo
      （verl/trainer/ppo/core_algos.py:1722-1779）就是本函数取 eps_low = clip_ratio_low（总有下界，默认 0.2）、
      eps_high = clip_ratio_high，并先把对数比裁剪到 ±20（第 1745 行），再用 agg_loss 聚合；TRL 的
      loss_type="cispo"（trl/trainer/grpo_trainer.py:3081-3082）直接把比值上限设为 epsilon_high 本身，
      clamp(r, max=epsilon_high)，没有下界（即 ScaleRL 的 epsilon_max；TRL 推荐 5.0，
      trl/trainer/grpo_config.py:191-195）：相当于本函数取 eps_low=None、eps_high = TRL 的 epsilon_high - 1
      （即这里的默认值 4.0），并按全局 batch 的 token 数聚合（单进程时即 token-mean）。
      按位置调用 ``cispo_loss(logp, old_logp, advantages, mask, eps_low, eps_high, mode)``（None 或 float、一个
      float、一个 str）。结果的 dtype 和 device 与输入相同；float64 输入需要用 float64 计算。不要修改输入；
      多次调用之间不要保留状态。
    """
    raise NotImplementedError("write cispo_loss here / 在这里实现 cispo_loss")
