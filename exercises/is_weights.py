"""Exercise is_weights / 练习 is_weights: importance weights for the rollout/trainer log-prob mismatch."""

import torch


def is_weights(logp_train: torch.Tensor, logp_rollout: torch.Tensor, mask: torch.Tensor, cap: float,
               level: str, mode: str) -> torch.Tensor:
    """Truncated (TIS) or masked (MIS) importance weights pi_train / pi_rollout, per token or per sequence.

    Contract
      The rollout engine (vLLM, SGLang) sampled B responses of T (padded) tokens and reported their
      log-probs ``logp_rollout``; the trainer recomputed the same tokens' log-probs with the same
      weights, ``logp_train`` (TRL's old_per_token_logps, verl's old_log_prob): kernels and precision
      make them differ. Both (B, T), float32 or float64 (they may differ: the result has torch's
      promotion of the two); every value finite, padding included. ``mask``: (B, T) float, 1.0 on real
      tokens, 0.0 on padding, any pattern (rows may be all 0). ``cap`` > 0 (a Python float), ``level``
      one of "token", "sequence", "geometric", ``mode`` one of "truncate", "mask". With
      u = logp_train - logp_rollout on real tokens (padding takes no part in any sum or count):

          token:      w[i, t] = exp(u[i, t])
          sequence:   w[i, t] = exp(sum of u[i, :] over the row's real tokens)
          geometric:  w[i, t] = exp(that sum / the row's number of real tokens)

      "sequence" is the product of the token ratios (unbiased for the sequence distribution, its
      variance growing with length), "geometric" their geometric mean (length-normalised, as GSPO's
      ratio). Then "truncate" (TIS) returns min(w, cap) and "mask" (MIS) returns w where w <= cap and 0
      above it (a weight equal to cap is kept); there is no lower bound. Return (B, T): the weight at
      every real token (a sequence-level weight repeated over its row's real tokens), exactly 0 at
      padding. The weights are constants of the loss they multiply: the result is detached (no
      gradient reaches either input, even if they require grad). Build them from u, in log space:
      gaps u of +-50 (and log-probs far below -103, where exp underflows in float32) must give the
      exact weight, never NaN; a weight beyond the dtype's range before truncation is cap (truncate)
      or 0 (mask). An unknown level or mode raises ValueError naming the valid ones.
      Where frameworks differ (read at volcengine/verl b178a3c, TRL f2cd577, OpenRLHF 3c3be62):
      verl's compute_rollout_correction_weights (verl/trainer/ppo/rollout_corr_helper.py:481-599) has
      rollout_is "token" and "sequence" (the product, exp of masked_sum, line 538-544), truncates at
      rollout_is_threshold (default 2.0, line 562), multiplies by the response mask (0 at padding, line
      550), detaches (line 566), and clamps the log-ratio to +-20 before exp (SAFETY_BOUND, lines 75,
      533, 543: a weight exp(-20) where exp(-50) is due); its masking is a separate rejection step
      (compute_rollout_rejection_mask, whose "seq_mean_k1" bounds the geometric mean). TRL's
      GRPOTrainer (trl/trainer/grpo_trainer.py:2579-2623, under no_grad) has
      vllm_importance_sampling_mode "token_truncate", "token_mask", "sequence_truncate" and
      "sequence_mask" (default, with clip_max 3.0 and clip_min None: trl/trainer/grpo_config.py:925,
      938): "sequence" is the product too; it masks the log-prob difference before exp, so its token
      weights are 1 at padding and its sequence weights have shape (B, 1). OpenRLHF's PolicyLoss
      (openrlhf/models/loss.py:197-217) clamps token weights to [0.5, 5.0] by default ("tis", a lower
      bound too), zeroes those outside it ("icepop"), or masks whole sequences by their geometric mean
      ("seq-mask-tis", line 209).
      Called positionally, ``is_weights(logp_train, logp_rollout, mask, cap, level, mode)``. The
      result has the promoted dtype and the inputs' device; float64 inputs need float64 arithmetic. Do
      not modify the inputs; keep no state between calls.

    Example
      >>> lt = torch.tensor([[-1.0, -2.0, -0.5], [-0.3, -1.2, -9.0]])
      >>> lr = torch.tensor([[-1.5, -1.8, -0.5], [-0.1, -1.0, -1.0]])
      >>> mk = torch.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
      >>> is_weights(lt, lr, mk, 1.2, "token", "truncate")
      tensor([[1.2000, 0.8187, 1.0000],
              [0.8187, 0.8187, 0.0000]])
      >>> is_weights(lt, lr, mk, 1.2, "sequence", "mask")
      tensor([[0.0000, 0.0000, 0.0000],
              [0.6703, 0.6703, 0.0000]])
      >>> is_weights(lt, lr, mk, 1.2, "geometric", "truncate")
      tensor([[1.1052, 1.1052, 1.1052],
              [0.8187, 0.8187, 0.0000]])

    契约
      rollout 引擎（vLLM、SGLang）采样了 B 条回答，每条 T 个 token（含 padding），并给出它们的对数概率
      ``logp_rollout``；训练端用同一份权重重新计算这些 token 的对数概率，得到 ``logp_train``（TRL 的
      old_per_token_logps、verl 的 old_log_prob）：内核和精度不同会让两者有差异。两者形状都是 (B, T)，dtype 为
      float32 或 float64（可以不同：结果取 torch 对两者的类型提升）；所有值都是有限的，padding 处也一样。
      ``mask``：(B, T) 浮点张量，真实 token 处为 1.0，padding 处为 0.0，任意模式（某些行可以全为 0）。
      ``cap`` > 0（Python float），``level`` 取 "token"、"sequence"、"geometric" 之一，``mode`` 取 "truncate"、
      "mask" 之一。记真实 token 上 u = logp_train - logp_rollout（padding 不参与任何求和与计数）：

          token:      w[i, t] = exp(u[i, t])
          sequence:   w[i, t] = exp(sum of u[i, :] over the row's real tokens)
          geometric:  w[i, t] = exp(that sum / the row's number of real tokens)

      即 token 级为 exp(u)；"sequence" 是各 token 比值之积（对序列分布无偏，但方差随长度增长），"geometric"
      是它们的几何平均（按长度归一化，与 GSPO 的比值相同）。然后 "truncate"（TIS）返回 min(w, cap)，"mask"
      （MIS）在 w <= cap 时返回 w、超过 cap 时返回 0（等于 cap 的权重保留）；没有下界。返回 (B, T)：每个
      真实 token 上的权重（序列级权重在该行所有真实 token 上重复），padding 处恰好为 0。权重是它所乘的损失
      中的常数：结果要断开梯度（即使输入带有 requires_grad，梯度也不能传到任何一个输入）。请由 u 在对数空间
      构造权重：u 为 ±50 的差距（以及远低于 -103 的对数概率，此时 float32 的 exp 会下溢）也必须给出精确的
      权重，不能出现 NaN；截断之前就超出 dtype 范围的权重，结果为 cap（truncate）或 0（mask）。未知的 level
      或 mode 抛出 ValueError，并列出合法的取值。
      各框架的不同之处（阅读的版本为 volcengine/verl b178a3c、TRL f2cd577、OpenRLHF 3c3be62）：verl 的
      compute_rollout_correction_weights（verl/trainer/ppo/rollout_corr_helper.py:481-599）有 rollout_is
      "token" 和 "sequence"（乘积，即 masked_sum 后取 exp，第 538-544 行），在 rollout_is_threshold 处截断
      （默认 2.0，第 562 行），乘以 response mask（padding 处为 0，第 550 行），断开梯度（第 566 行），并在
      exp 之前把对数比裁剪到 ±20（SAFETY_BOUND，第 75、533、543 行：应为 exp(-50) 的地方给出 exp(-20)）；
      它的屏蔽是单独的拒绝步骤（compute_rollout_rejection_mask，其中 "seq_mean_k1" 限制的是几何平均）。TRL
      的 GRPOTrainer（trl/trainer/grpo_trainer.py:2579-2623，在 no_grad 下）有 vllm_importance_sampling_mode
      "token_truncate"、"token_mask"、"sequence_truncate" 和 "sequence_mask"（默认值，clip_max 为 3.0，
      clip_min 为 None：trl/trainer/grpo_config.py:925、938）："sequence" 也是乘积；它在 exp 之前就把对数
      概率之差乘以 mask，所以它的 token 级权重在 padding 处为 1，序列级权重的形状为 (B, 1)。OpenRLHF 的
      PolicyLoss（openrlhf/models/loss.py:197-217）默认把 token 级权重裁剪到 [0.5, 5.0]（"tis"，还有下界），
      或把范围之外的权重置零（"icepop"），或按几何平均屏蔽整条序列（"seq-mask-tis"，第 209 行）。
      按位置调用 ``is_weights(logp_train, logp_rollout, mask, cap, level, mode)``。结果的 dtype 为提升后的
      dtype，device 与输入相同；float64 输入需要用 float64 计算。不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write is_weights here / 在这里实现 is_weights")
