"""Exercise k2 / 练习 k2: the biased estimator of KL(q || p), low-variance when p and q are close."""

import torch


def k2(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """Per-sample k2 estimate of KL(q || p).

    Contract
      Samples x are drawn from q. ``log_p = log p(x)`` and ``log_q = log q(x)`` are
      tensors of one shape, or of shapes that broadcast. Let log r = log_p - log_q.
      Return, element by element (no mean, no sum),

          k2 = (log r)^2 / 2

      k2 is never negative, but it is biased: its mean, E_q[(log r)^2 / 2], agrees
      with KL(q || p) only to second order, and the bias grows as p and q move apart.
      Its bias can have either sign (q = N(0, 1), p = N(1, 2^2): E[k2] = 0.270 against
      KL = 0.443), and its variance is low only while p and q are close: for Gaussians
      of equal variance, Var(k2) exceeds Var(k1) once KL > 0.618.
      Gradients must flow back to both inputs.
      How it is called and graded: positionally, ``k2(log_p, log_q)``; any callable named
      ``k2`` counts (a function, a lambda, a functools.partial, an object with
      ``__call__``). Inputs may be float16, bfloat16, float32 or float64, of any shape
      (empty ones too). The result has the broadcast shape, the dtype torch's type
      promotion gives the two inputs (that of ``log_p - log_q``) and their device.
      Precision: as exact as that dtype allows; float64 inputs need float64 arithmetic (no
      .float() inside). Extremes follow the IEEE arithmetic of the formula, with no
      epsilon, no clamping, no nan_to_num and no round trip through exp and log: log r may
      be as large as the dtype holds, or -inf (then k2 = +inf); k2 is inf wherever (log
      r)^2 / 2 overflows the dtype. Do not modify the inputs: neither their values nor
      their shape or strides (no in-place ops, t_(), squeeze_()). Keep no state between
      calls.

    Example
      >>> k2(torch.tensor([-1.0, -2.0]), torch.tensor([-1.5, -1.0]))
      tensor([0.1250, 0.5000])

    契约
      样本 x 从 q 中采样。``log_p = log p(x)``、``log_q = log q(x)`` 形状相同或可广播。
      记 log r = log_p - log_q。逐元素返回（不要求均值或求和）：

          k2 = (log r)^2 / 2

      k2 永远非负，但有偏：它的均值 E_q[(log r)^2 / 2] 只在二阶上与 KL(q || p) 一致，
      p 与 q 相距越远偏差越大。偏差可正可负（q = N(0, 1)、p = N(1, 2^2) 时 E[k2] = 0.270，
      而 KL = 0.443）；方差小也只在 p 与 q 接近时成立：对方差相同的两个高斯分布，
      KL > 0.618 后 Var(k2) 就超过 Var(k1)。
      梯度必须能传回两个输入。
      调用与评分方式：按位置调用 ``k2(log_p, log_q)``；名为 ``k2`` 的任何可调用对象都算（函数、
      lambda、functools.partial、带 ``__call__`` 的对象）。输入可以是 float16、bfloat16、
      float32 或 float64，任意形状（包括空张量）。结果的形状为广播后的形状，dtype 为 torch 对两个输入做类型提升的结果（即
      ``log_p - log_q`` 的 dtype），device 与输入相同。精度：达到该 dtype 所能达到的精度；
      float64 输入需要用 float64 计算（不要在内部 .float()）。极端值按公式的 IEEE 浮点运算处理，
      不加 epsilon、不裁剪、不用 nan_to_num，也不要经 exp 再取 log 绕一圈：log r 可以大到该 dtype
      能表示的范围，也可以是 -inf（此时 k2 = +inf）；(log r)^2 / 2 超出该 dtype 时 k2 为 inf。
      不要修改输入：数值、形状和步长（stride）都不能变（不要原地操作、t_()、squeeze_()）。
      多次调用之间不要保留状态。
    """
    raise NotImplementedError("write k2 here / 在这里实现 k2")
