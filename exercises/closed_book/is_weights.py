"""Exercise is_weights (closed book) / 练习 is_weights（闭卷）: importance weights for the rollout/trainer mismatch."""

import torch


def is_weights(logp_train: torch.Tensor, logp_rollout: torch.Tensor, mask: torch.Tensor, cap: float,
               level: str, mode: str) -> torch.Tensor:
    """The importance weights that correct a loss for tokens sampled by the rollout engine.

    Contract
      The rollout engine sampled B responses of T (padded) tokens and reported their log-probs
      ``logp_rollout``; the trainer recomputed them with the same weights, ``logp_train``; the two
      differ. Both (B, T), float32 or float64 (the result has their promoted dtype), every value finite.
      ``mask``: (B, T) float, 1.0 on real tokens, 0.0 on padding, any pattern. ``cap`` > 0; ``level``:
      "token" (one weight per token), "sequence" (one per response: the weight of the whole response
      under the trainer against the rollout engine), "geometric" (one per response, normalised by its
      length so that long and short responses share one scale); ``mode``: "truncate" (TIS: weights
      above cap are brought down to cap) or "mask" (MIS: a weight above cap makes that token or
      response count 0; a weight equal to cap is kept). No lower bound.
      Required properties: (B, T) result, each real token carrying its weight (a response's weight on
      each of its real tokens), exactly 0 at padding, which takes no part in any weight; detached (no
      gradient reaches either input); exact, and never NaN, for log-prob gaps of +-50 and log-probs far
      below -103; an unknown level or mode raises ValueError naming the valid ones. verl's rollout
      correction and TRL's vLLM correction both call the product over the response "sequence"; verl
      clamps the log-ratio at +-20, TRL leaves 1 at padding, OpenRLHF's "tis" has a lower bound too.
      Called positionally as ``is_weights(logp_train, logp_rollout, mask, cap, level, mode)``.
      float64 inputs need float64 arithmetic; the inputs' device; do not modify the inputs; keep no
      state between calls.

    契约
      rollout 引擎采样了 B 条回答，每条 T 个 token（含 padding），并给出它们的对数概率 ``logp_rollout``；训练端
      用同一份权重重新计算，得到 ``logp_train``；两者有差异。形状都是 (B, T)，dtype 为 float32 或 float64
      （结果取两者提升后的 dtype），所有值都有限。``mask``：(B, T) 浮点张量，真实 token 处为 1.0，padding 处为
      0.0，任意模式。``cap`` > 0；``level``："token"（每个 token 一个权重）、"sequence"（每条回答一个：整条回答
      在训练端相对 rollout 引擎的权重）、"geometric"（每条回答一个，按长度归一化，让长短回答在同一个尺度上）；
      ``mode``："truncate"（TIS：超过 cap 的权重降到 cap）或 "mask"（MIS：权重超过 cap 时该 token 或该回答
      记为 0；等于 cap 的权重保留）。没有下界。
      必须满足：结果为 (B, T)，每个真实 token 带有自己的权重（回答级权重出现在该回答的每个真实 token 上），
      padding 处恰好为 0，且 padding 不参与任何权重；断开梯度（梯度不能传到任何一个输入）；对数概率差距为
      ±50、对数概率远低于 -103 时也精确，不出现 NaN；未知的 level 或 mode 抛出 ValueError，并列出合法取值。
      verl 的 rollout 修正与 TRL 的 vLLM 修正都把整条回答上的乘积称为 "sequence"；verl 把对数比裁剪在 ±20，
      TRL 在 padding 处留下 1，OpenRLHF 的 "tis" 还有下界。按位置调用 ``is_weights(logp_train, logp_rollout,
      mask, cap, level, mode)``。float64 输入需要用 float64 计算；结果在输入的 device 上；不要修改输入；多次
      调用之间不要保留状态。
    """
    raise NotImplementedError("write is_weights here / 在这里实现 is_weights")
