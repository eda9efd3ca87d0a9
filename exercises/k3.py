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
      The result has the broadcast shape, the inputs' dtype and device, and lets
      gradients flow back to both inputs. Do not modify the inputs.

    Example
      >>> k3(torch.tensor([0.0, -1.0]), torch.tensor([0.0, 0.0]))
      tensor([0.0000, 0.3679])

    契约
      样本 x 从 q 中采样。``log_p = log p(x)``、``log_q = log q(x)`` 形状相同或可广播。
      记 log r = log_p - log_q，即 r = p(x)/q(x)。逐元素返回（不求均值、不求和、不截断）：

          k3 = (r - 1) - log r

      因为 E_q[r] = 1，k3 是 KL(q || p) 的无偏估计；因为 log r <= r - 1，k3 永远非负。
      对数密度可能非常小（例如 -100）：请由 log r 计算 r，不要写成 exp(log_p) / exp(log_q)，
      那样会下溢成 0/0。
      返回张量的形状为广播后的形状，dtype 和 device 与输入一致，梯度能传回两个输入。
      不要修改输入。
    """
    raise NotImplementedError("write k3 here / 在这里实现 k3")
