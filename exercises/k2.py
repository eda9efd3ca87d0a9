"""Exercise k2 / 练习 k2: the low-variance, biased estimator of KL(q || p)."""

import torch


def k2(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """Per-sample k2 estimate of KL(q || p).

    Contract
      Samples x are drawn from q. ``log_p = log p(x)`` and ``log_q = log q(x)`` are
      tensors of one shape, or of shapes that broadcast. Let log r = log_p - log_q.
      Return, element by element (no mean, no sum),

          k2 = (log r)^2 / 2

      k2 is never negative and has low variance, but it is biased: its mean is an
      f-divergence that agrees with KL(q || p) only to second order, and the bias
      grows as p and q move apart.
      The result has the broadcast shape, the inputs' dtype and device, and lets
      gradients flow back to both inputs. Do not modify the inputs.

    Example
      >>> k2(torch.tensor([-1.0, -2.0]), torch.tensor([-1.5, -1.0]))
      tensor([0.1250, 0.5000])

    契约
      样本 x 从 q 中采样。``log_p = log p(x)``、``log_q = log q(x)`` 形状相同或可广播。
      记 log r = log_p - log_q。逐元素返回（不要求均值或求和）：

          k2 = (log r)^2 / 2

      k2 永远非负、方差小，但有偏：它的均值是一个只在二阶上与 KL(q || p) 一致的 f-散度，
      p 与 q 相距越远偏差越大。
      返回张量的形状为广播后的形状，dtype 和 device 与输入一致，梯度能传回两个输入。
      不要修改输入。
    """
    raise NotImplementedError("write k2 here / 在这里实现 k2")
