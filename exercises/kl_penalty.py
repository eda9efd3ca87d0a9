"""Exercise kl_penalty / 练习 kl_penalty: verl's per-token KL penalty, by mode name."""

import torch


def kl_penalty(logprob: torch.Tensor, ref_logprob: torch.Tensor, mode: str) -> torch.Tensor:
    """The per-token KL estimate between the policy and the reference, as verl names its modes.

    Contract
      ``logprob`` = log pi_theta(token) and ``ref_logprob`` = log pi_ref(token) of the sampled
      tokens, tensors of one shape (typically (B, T)) or of shapes that broadcast. Element by
      element (no mean, no sum), with d = logprob - ref_logprob:

          "k1", "kl"           d
          "abs"                |d|
          "k2", "mse"          d^2 / 2
          "k3", "low_var_kl"   u = clamp(-d, -20, 20); clamp(exp(u) - u - 1, -10, 10)

      (the two clamps are verl's: the first keeps exp finite, so gradients are finite too; the second
      caps the value at 10, where its gradient is then 0). A "+" after any of these names ("k3+",
      "low_var_kl+", "k1+", "abs+", "k2+", ...) is verl's straight-through variant: the value of the
      mode, the gradient of k2 (d with respect to logprob), i.e. k2 - k2.detach() + value.detach()
      ("k2+" is plain k2). That is current verl (verl-project/verl 1dda039, since PR #6058 of April 2026);
      from August 2025 (PR #2953) to April 2026 every "+" mode failed with verl's "not implemented" exception, so
      volcengine/verl b178a3c (January 2026) has none. Any other mode raises ValueError whose message names
      all 14 valid modes (verl raises its "not implemented" exception there; the exercise asks for ValueError).
      Gradients: graded with respect to ``logprob`` only (``ref_logprob`` comes from a frozen
      model: detaching it is fine); they must be finite everywhere, the clamped regions included.
      The gradient of "abs" at d = 0 is not graded. Result: the broadcast shape, torch's promoted
      dtype of the two inputs (float16, bfloat16, float32 or float64), their device; as exact as that
      dtype allows (float64 needs float64 arithmetic). Called positionally,
      ``kl_penalty(logprob, ref_logprob, mode)``, ``mode`` a Python str. Do not modify the inputs;
      keep no state between calls.

    Example
      >>> kl_penalty(torch.tensor([-1.0, -2.0]), torch.tensor([-1.5, -1.0]), "k1")
      tensor([ 0.5000, -1.0000])
      >>> kl_penalty(torch.tensor([-1.0, -2.0]), torch.tensor([-1.5, -1.0]), "k3")
      tensor([0.1065, 0.7183])
      >>> kl_penalty(torch.tensor([-1.0, -9.0]), torch.tensor([-1.0, -1.0]), "low_var_kl")
      tensor([ 0., 10.])

    契约
      ``logprob`` = log pi_theta(token)、``ref_logprob`` = log pi_ref(token)，都是采样 token 上的值，形状
      相同（通常为 (B, T)）或可广播。逐元素计算（不求均值、不求和），记 d = logprob - ref_logprob：

          "k1"、"kl"           d
          "abs"                |d|
          "k2"、"mse"          d^2 / 2
          "k3"、"low_var_kl"   u = clamp(-d, -20, 20)；clamp(exp(u) - u - 1, -10, 10)

      （两处裁剪都来自 verl：第一处让 exp 保持有限，梯度因此也有限；第二处把值封顶在 10，那里的梯度为 0。）
      在任一名称后加 "+"（"k3+"、"low_var_kl+"、"k1+"、"abs+"、"k2+" 等）是 verl 的直通（straight-through）
      变体：值取该模式的值，梯度取 k2 的梯度（对 logprob 为 d），即 k2 - k2.detach() + value.detach()
      （"k2+" 就是普通的 k2）。这是当前的 verl（verl-project/verl 1dda039，自 2026 年 4 月的 PR #6058 起）；从
      2025 年 8 月（PR #2953）到 2026 年 4 月，所有 "+" 模式都会抛出 verl 的“未实现”异常，所以 volcengine/verl
      b178a3c（2026 年 1 月）里没有可用的 "+" 模式。其他任何 mode 都要抛出 ValueError，且错误信息列出全部 14 种
      有效模式（verl 在这里抛出“未实现”异常；本练习要求 ValueError）。
      梯度：只评对 ``logprob`` 的梯度（``ref_logprob`` 来自冻结的模型：对它 detach 没问题）；梯度必须处处
      有限，包括被裁剪的区域。"abs" 在 d = 0 处的梯度不评分。结果：广播后的形状，dtype 为两个输入按 torch
      类型提升后的 dtype（float16、bfloat16、float32 或 float64），device 与输入相同；精度达到该 dtype 所能
      达到的程度（float64 需要用 float64 计算）。按位置调用 ``kl_penalty(logprob, ref_logprob, mode)``，
      ``mode`` 是 Python str。不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write kl_penalty here / 在这里实现 kl_penalty")
