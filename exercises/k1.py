"""Exercise k1 / 练习 k1: the plain Monte-Carlo estimator of KL(q || p)."""

import torch


def k1(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """Per-sample k1 estimate of KL(q || p).

    Contract
      Samples x are drawn from q. ``log_p = log p(x)`` and ``log_q = log q(x)`` are
      tensors of one shape, or of shapes that broadcast. Let log r = log_p - log_q
      (r = p(x)/q(x)). Return, element by element (no mean, no sum),

          k1 = -log r = log_q - log_p

      Its mean over x ~ q is KL(q || p) = E_q[log q(x)/p(x)] with no bias, but a
      single k1 can be negative and its variance is high.
      The result has the broadcast shape, the inputs' dtype and device, and lets
      gradients flow back to both inputs. Do not modify the inputs.

    Example
      >>> k1(torch.tensor([-1.0, -2.0]), torch.tensor([-1.5, -1.0]))
      tensor([-0.5000,  1.0000])

    契约
      样本 x 从 q 中采样。``log_p = log p(x)``、``log_q = log q(x)`` 形状相同或可广播。
      记 log r = log_p - log_q（r = p(x)/q(x)）。逐元素返回（不要求均值或求和）：

          k1 = -log r = log_q - log_p

      它在 x ~ q 下的均值是 KL(q || p) = E_q[log q(x)/p(x)]，无偏；但单个 k1 可以为负，方差大。
      返回张量的形状为广播后的形状，dtype 和 device 与输入一致，梯度能传回两个输入。
      不要修改输入。
    """
    raise NotImplementedError("write k1 here / 在这里实现 k1")
