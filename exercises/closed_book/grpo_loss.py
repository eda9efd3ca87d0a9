"""Exercise grpo_loss (closed book) / 练习 grpo_loss（闭卷）: GRPO's clipped surrogate with its KL penalty."""

import torch


def grpo_loss(logp: torch.Tensor, old_logp: torch.Tensor, ref_logp: torch.Tensor, advantages: torch.Tensor,
              mask: torch.Tensor, clip_eps: float = 0.2, beta: float = 0.04, mode: str = "seq-mean-token-mean",
              clip_eps_high: float | None = None) -> torch.Tensor:
    """GRPO's loss for one batch of B sampled responses of T (padded) tokens.

    Contract
      ``logp``, ``old_logp``, ``ref_logp``: (B, T) log-probabilities of the sampled tokens under the
      policy being trained, the policy that sampled them and the frozen reference model.
      ``advantages``: (B,), one per sequence (from grpo_advantages), shared by its tokens. ``mask``:
      (B, T), 1.0 on real response tokens, 0.0 on padding (any pattern; rows may be all 0). One float
      dtype (float32 or float64) for all; every value finite; graded inputs keep
      logp and ref_logp within 2 of each other. Return the 0-d loss to minimise: DeepSeekMath's GRPO objective (as TRL's
      GRPOTrainer writes its per-token loss; the signature's defaults are DeepSeekMath's and TRL v0.14's,
      not TRL f2cd577's beta = 0.0 and loss_type "dapo") with PPO's clipped importance ratio, clip range [1 - clip_eps,
      1 + eps_high] (eps_high = clip_eps_high if given, else clip_eps; DAPO's asymmetric clip), plus
      ``beta`` times the per-token k3 estimate of KL(pi_theta || pi_ref), the whole per-token loss
      aggregated over the mask with ``mode`` exactly as the aggregate_loss exercise does.
      Required properties: gradients reach ``logp`` only (never ``old_logp``, ``ref_logp`` or
      ``advantages``, even if they require grad) and equal the true ones; tokens outside the mask
      change nothing; all-zero masks and B = 0 give 0, never NaN; beta = 0 drops the KL term; the
      result has the inputs' dtype and device, float64 at full precision. Self-contained (copy, do
      not import, other exercises' code). Called positionally; do not modify the inputs; keep no
      state between calls.

    契约
      ``logp``、``old_logp``、``ref_logp``：(B, T)，采样 token 分别在正在训练的策略、采样它们的策略和冻结的参考
      模型下的对数概率。``advantages``：(B,)，每个序列一个（来自 grpo_advantages），该序列的 token 共用。
      ``mask``：(B, T)，真实回答 token 处为 1.0，padding 处为 0.0（任意模式；某些行可以全为 0）。所有输入同一种
      浮点 dtype（float32 或 float64）；所有值有限；评分用的输入中 logp 与 ref_logp 相差不超过 2。返回要最小化的 0 维
      损失：DeepSeekMath 的 GRPO 目标（按 TRL 的 GRPOTrainer 对逐 token 损失的写法；
      签名里的默认值来自 DeepSeekMath 和 TRL v0.14，不是 TRL f2cd577 的 beta = 0.0 与 loss_type "dapo"），使用 PPO 裁剪的重要性比值，裁剪区间为
      [1 - clip_eps, 1 + eps_high]（给出 clip_eps_high 时 eps_high 取它，否则取 clip_eps；即 DAPO 的非对称裁剪），
      再加上 ``beta`` 乘以逐 token 的 k3（估计 KL(pi_theta || pi_ref)），整个逐 token 损失按 ``mode`` 在 mask 上
      聚合，做法与 aggregate_loss 练习完全相同。
      必须满足：梯度只传到 ``logp``（绝不传到 ``old_logp``、``ref_logp`` 或 ``advantages``，即使它们带有
      requires_grad），且梯度正确；mask 之外的 token 不影响结果；全 0 的 mask 和 B = 0 给出 0，绝不是 NaN；
      beta = 0 时没有 KL 项；结果的 dtype 和 device 与输入相同，float64 达到完整精度。代码自成一体（其他练习的
      代码请复制，不要 import）。按位置调用；不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write grpo_loss here / 在这里实现 grpo_loss")
