"""Exercise k3 / 练习 k3: Schulman's unbiased, non-negative estimator of KL(q || p)."""

import torch


def k3(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """Per-sample k3 estimate of KL(q || p).

    Contract
      Samples x are drawn from q. ``log_p = log p(x)`` and ``log_q = log q(x)`` are
      tensors of one shape, or of shapes that broadcast. Let log r = log_p - log_q,
      so r = p(x)/q(x). Return, element by element (no mean, no sum, no clamping),

          k3 = (r - 1) - log r

      k3 is unbiased for KL(q || p) because E_q[r] = 1, and never negative because
      log r <= r - 1. Log-densities can be very negative (say -100): form r from
      log r, never as exp(log_p) / exp(log_q), which underflows to 0/0.
      Gradients must flow back to both inputs.
      How it is called and graded: positionally, ``k3(log_p, log_q)``; any callable named
      ``k3`` counts (a function, a lambda, a functools.partial, an object with
      ``__call__``). Inputs may be float16, bfloat16, float32 or float64, of any shape
      (empty ones too). The result has the broadcast shape, the dtype torch's type
      promotion gives the two inputs (that of ``log_p - log_q``) and their device.
      Precision: as exact as that dtype allows; float64 inputs need float64 arithmetic (no
      .float() inside). Extremes follow the IEEE arithmetic of the formula, with no
      epsilon, no clamping, no nan_to_num and no round trip through exp and log: for log r
      far below 0, r underflows to 0 and k3 = -1 - log r stays finite; where r overflows
      the dtype (log r > 88.7 in float32 and bfloat16, > 11.09 in float16) k3 is +inf;
      log_p = -inf gives +inf. (log_q = -inf, which a sample x ~ q cannot give, makes the
      formula inf - inf = NaN: not graded.) Do not modify the inputs: neither their values
      nor their shape or strides (no in-place ops, t_(), squeeze_()). Keep no state
      between calls.

    Example
      >>> k3(torch.tensor([0.0, -1.0]), torch.tensor([0.0, 0.0]))
      tensor([0.0000, 0.3679])

    契约
      样本 x 从 q 中采样。``log_p = log p(x)``、``log_q = log q(x)`` 形状相同或可广播。
      记 log r = log_p - log_q，即 r = p(x)/q(x)。逐元素返回（不求均值、不求和、不裁剪）：

          k3 = (r - 1) - log r

      因为 E_q[r] = 1，k3 是 KL(q || p) 的无偏估计；因为 log r <= r - 1，k3 永远非负。
      对数密度可能非常小（例如 -100）：请由 log r 计算 r，不要写成 exp(log_p) / exp(log_q)，
      那样会下溢成 0/0。
      梯度必须能传回两个输入。
      调用与评分方式：按位置调用 ``k3(log_p, log_q)``；名为 ``k3`` 的任何可调用对象都算（函数、
      lambda、functools.partial、带 ``__call__`` 的对象）。输入可以是 float16、bfloat16、
      float32 或 float64，任意形状（包括空张量）。结果的形状为广播后的形状，dtype 为 torch 对两个输入做类型提升的结果（即
      ``log_p - log_q`` 的 dtype），device 与输入相同。精度：达到该 dtype 所能达到的精度；
      float64 输入需要用 float64 计算（不要在内部 .float()）。极端值按公式的 IEEE 浮点运算处理，
      不加 epsilon、不裁剪、不用 nan_to_num，也不要经 exp 再取 log 绕一圈：log r 远小于 0 时 r
      下溢为 0，k3 = -1 - log r 仍是有限值；r 超出该 dtype 的范围时（float32 和 bfloat16 中 log
      r > 88.7，float16 中 > 11.09）k3 为 +inf；log_p = -inf 时为 +inf。（log_q = -inf 不可能来自
      x ~ q 的样本，公式给出 inf - inf = NaN：不评分。）不要修改输入：数值、形状和步长（stride）都不能变（不要原地操作、
      t_()、squeeze_()）。多次调用之间不要保留状态。
    """
    raise NotImplementedError("write k3 here / 在这里实现 k3")
