"""Exercise kl_penalty (closed book) / 练习 kl_penalty（闭卷）: verl's per-token KL penalty, by mode name."""

import torch


def kl_penalty(logprob: torch.Tensor, ref_logprob: torch.Tensor, mode: str) -> torch.Tensor:
    """The per-token KL estimate between the policy and the reference, as verl names its modes.

    Contract
      ``logprob`` = log pi_theta(token) and ``ref_logprob`` = log pi_ref(token) of the tokens sampled
      from the policy, of one shape (typically (B, T)) or broadcastable. Return, element by element,
      the estimate of KL(pi_theta || pi_ref) that verl's ``kl_penalty`` computes for ``mode``:
      "k1"/"kl" (Schulman's k1), "abs", "k2"/"mse" (k2), "k3"/"low_var_kl" (k3, with verl's two
      clamps: on the log-ratio at +-20 and on the value at +-10), and each of these with a "+" suffix,
      verl's straight-through variant (the mode's value with k2's gradient), as verl-project/verl 1dda039
      computes it (from August 2025 to April 2026, e.g. volcengine/verl b178a3c, verl's "+" modes raised
      NotImplementedError).
      Required properties: unknown modes raise ValueError naming all 14 valid modes; gradients with
      respect to ``logprob`` are the true ones of the chosen mode (k2's for "+" modes) and finite
      everywhere, also where a clamp is active (graded with respect to ``logprob`` only; the gradient
      of "abs" at equal inputs is not graded); the result has the broadcast shape, the promoted dtype
      of the inputs (half precisions too), their device, and float64 precision for float64 inputs.
      Called positionally; do not modify the inputs; keep no state between calls.

    契约
      ``logprob`` = log pi_theta(token)、``ref_logprob`` = log pi_ref(token)，都是从策略采样的 token 上的值，
      形状相同（通常为 (B, T)）或可广播。逐元素返回 verl 的 ``kl_penalty`` 在 ``mode`` 下对
      KL(pi_theta || pi_ref) 的估计："k1"/"kl"（Schulman 的 k1）、"abs"、"k2"/"mse"（k2）、"k3"/"low_var_kl"
      （k3，带 verl 的两处裁剪：对数比裁剪在 ±20，值裁剪在 ±10），以及它们各自加 "+" 后缀的版本，即 verl 的
      直通变体（值取该模式的值，梯度取 k2 的梯度），以 verl-project/verl 1dda039 的算法为准（2025 年 8 月到 2026 年
      4 月之间，例如 volcengine/verl b178a3c，verl 的 "+" 模式会抛出 NotImplementedError）。
      必须满足：未知 mode 抛出 ValueError 并列出全部 14 种有效模式；对 ``logprob`` 的梯度是所选模式的真实梯度
      （"+" 模式为 k2 的梯度），并且处处有限，裁剪生效的区域也一样（只评对 ``logprob`` 的梯度；"abs" 在两个
      输入相等处的梯度不评分）；结果为广播后的形状，dtype 为输入的提升 dtype（含半精度），device 与输入相同，
      float64 输入要达到 float64 精度。按位置调用；不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write kl_penalty here / 在这里实现 kl_penalty")
