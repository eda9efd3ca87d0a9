"""Exercise grpo_loss / 练习 grpo_loss: GRPO's clipped surrogate with its KL penalty."""

import torch


def grpo_loss(logp: torch.Tensor, old_logp: torch.Tensor, ref_logp: torch.Tensor, advantages: torch.Tensor,
              mask: torch.Tensor, clip_eps: float = 0.2, beta: float = 0.04, mode: str = "seq-mean-token-mean",
              clip_eps_high: float | None = None) -> torch.Tensor:
    """GRPO's loss for one batch of B sampled responses of T (padded) tokens.

    Contract
      ``logp``, ``old_logp``, ``ref_logp``: (B, T) log-probabilities of the sampled tokens under the
      policy being trained (pi_theta), the policy that sampled them (pi_old) and the frozen
      reference (pi_ref). ``advantages``: (B,), one per sequence (grpo_advantages' output,
      flattened), the same for every token of it. ``mask``: (B, T), 1.0 on real response tokens,
      0.0 on padding (any pattern; rows may be all 0). All float tensors share one dtype (float32
      or float64); every value, padding included, is finite, and the graded inputs keep
      |ref_logp - logp| <= 2, where verl's clamped k3 and the plain one agree. Per token, with
      rho = exp(logp - old_logp), A the sequence's advantage and eps_high = clip_eps_high if given,
      else clip_eps:

          l = -min(rho * A, clamp(rho, 1 - clip_eps, 1 + eps_high) * A)
              + beta * (exp(ref_logp - logp) - (ref_logp - logp) - 1)

      (DeepSeekMath eq. 3, TRL's GRPOTrainer; the k3 term estimates KL(pi_theta || pi_ref)). The
      signature's defaults, beta = 0.04 and mode "seq-mean-token-mean", are DeepSeekMath's setting and TRL's
      first GRPOTrainer (v0.14); TRL f2cd577 defaults to beta = 0.0 (no KL term, since v0.19) and loss_type
      "dapo" (a token mean over the global batch, since v0.22), verl 1dda039 to loss_agg_mode "token-mean"
      with the KL in the loss switched off (use_kl_loss=False). Return
      the 0-d loss aggregate_loss(l, mask, mode) would give (the four modes of the aggregate_loss
      exercise, same conventions: denominators clamped at 1, all-zero rows and masks give 0). The
      KL term is inside the per-token loss, so it is masked and aggregated like the rest.
      Gradients reach ``logp`` only: ``old_logp``, ``ref_logp`` and ``advantages`` come from no_grad
      passes, and if the caller hands them over with requires_grad, no gradient may flow into them
      (detach them). The inputs are never modified. Each file is graded on its own: copy what you
      need from your aggregate_loss.py into this file rather than importing it. Called
      positionally, ``grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps, beta, mode,
      clip_eps_high)`` (floats, a str, and None or a float). The result has the inputs' dtype and
      device; float64 inputs need float64 arithmetic. Keep no state between calls.

    Example
      >>> logp = torch.tensor([[-1.0, -2.0]])
      >>> old = torch.tensor([[-1.5, -2.0]])
      >>> grpo_loss(logp, old, logp, torch.tensor([1.0]), torch.ones(1, 2))
      tensor(-1.1000)
      >>> grpo_loss(logp, old, logp, torch.tensor([-1.0]), torch.ones(1, 2))
      tensor(1.3244)

    契约
      ``logp``、``old_logp``、``ref_logp``：(B, T)，分别是采样 token 在正在训练的策略（pi_theta）、采样它们的
      策略（pi_old）和冻结的参考模型（pi_ref）下的对数概率。``advantages``：(B,)，每个序列一个（即
      grpo_advantages 的输出展平后），该序列的每个 token 都用同一个值。``mask``：(B, T)，真实回答 token 处为
      1.0，padding 处为 0.0（任意模式；某些行可以全为 0）。所有浮点张量 dtype 相同（float32 或 float64）；所有
      值（包括 padding 处）都是有限的，评分用的输入满足 |ref_logp - logp| <= 2，在这个范围内 verl 裁剪后的 k3
      与不裁剪的 k3 相同。逐 token 地，记 rho = exp(logp - old_logp)、A 为该序列的优势、eps_high 在给出
      clip_eps_high 时取它，否则取 clip_eps：

          l = -min(rho * A, clamp(rho, 1 - clip_eps, 1 + eps_high) * A)
              + beta * (exp(ref_logp - logp) - (ref_logp - logp) - 1)

      （DeepSeekMath 式 3、TRL 的 GRPOTrainer；k3 项估计的是 KL(pi_theta || pi_ref)。）函数签名里的默认值
      beta = 0.04、mode "seq-mean-token-mean" 是 DeepSeekMath 的设置，也是 TRL 最早的 GRPOTrainer（v0.14）的
      默认值；TRL f2cd577 默认 beta = 0.0（没有 KL 项，自 v0.19 起）、loss_type "dapo"（对全局 batch 按 token
      平均，自 v0.22 起），verl 1dda039 默认 loss_agg_mode "token-mean"，并且不在损失里加 KL（use_kl_loss=False）。
      返回 aggregate_loss(l,
      mask, mode) 给出的 0 维损失（即 aggregate_loss 练习的四种模式，约定相同：分母下限取 1，全 0 的行和
      mask 给出 0）。KL 项在逐 token 损失之内，所以它和其余部分一样被 mask、被聚合。
      梯度只传到 ``logp``：``old_logp``、``ref_logp`` 和 ``advantages`` 都来自 no_grad 的前向计算；即使调用方传入
      的它们带有 requires_grad，也不能有梯度流进去（请 detach）。永远不要修改输入。每个文件单独评分：需要
      aggregate_loss.py 里的代码时请复制到本文件中，不要 import。按位置调用 ``grpo_loss(logp, old_logp, ref_logp,
      advantages, mask, clip_eps, beta, mode, clip_eps_high)``（几个 float、一个 str，以及 None 或 float）。结果的
      dtype 和 device 与输入相同；float64 输入需要用 float64 计算。多次调用之间不要保留状态。
    """
    raise NotImplementedError("write grpo_loss here / 在这里实现 grpo_loss")
