"""Closed-book exercise k3 / 闭卷练习 k3: Schulman's unbiased, non-negative estimator of KL(q || p)."""

import torch


def k3(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """Per-sample k3 estimate of KL(q || p). Closed book: recall the estimator yourself.

    Contract
      Samples x are drawn from q. ``log_p = log p(x)`` and ``log_q = log q(x)`` are
      tensors of one shape, or of shapes that broadcast. Return one value per element
      (no mean, no sum, no clamping): Schulman's k3 estimate of KL(q || p), the plain
      estimator plus a control variate whose mean under q is zero.
      Required properties: unbiased (its mean over x ~ q is KL(q || p)); never negative
      for any sample; zero exactly where p(x) = q(x). Log-densities can be very negative
      (say -100): form the density ratio from the log-ratio, never from exp(log_p) and
      exp(log_q) separately. Gradients flow back to both inputs.
      Inputs may be float16, bfloat16, float32 or float64, of any shape (empty ones too).
      The result has the broadcast shape, the dtype torch's type promotion gives the two
      inputs and their device, computed in that dtype (no .float() inside). Plain IEEE
      arithmetic, no epsilon, no clamping, no nan_to_num: a log-ratio far below 0 gives a
      finite result; where the ratio overflows the dtype the result is +inf. Do not modify
      the inputs (no in-place ops); keep no state between calls. Called positionally:
      ``k3(log_p, log_q)``.
      Stuck? ``kldrill hint k3`` unlocks the formula step by step (hints are recorded).

    契约（闭卷：自己回忆估计量）
      样本 x 从 q 中采样。``log_p = log p(x)``、``log_q = log q(x)`` 形状相同或可广播。
      逐元素返回（不求均值、不求和、不裁剪）Schulman 的 k3 估计：在最朴素的估计上加一个在 q 下
      均值为零的控制变量。
      必须满足：无偏（在 x ~ q 下的均值是 KL(q || p)）；对任何样本都不为负；恰在 p(x) = q(x) 处为零。
      对数密度可能非常小（例如 -100）：请由对数比得到密度比，不要分别计算 exp(log_p) 和 exp(log_q)。
      梯度必须能传回两个输入。
      输入可以是 float16、bfloat16、float32 或 float64，任意形状（包括空张量）。结果的形状为广播后的形状，
      dtype 为 torch 对两个输入做类型提升的结果，device 与输入相同，并在该 dtype 下计算（不要在内部
      .float()）。按 IEEE 浮点运算，不加 epsilon、不裁剪、不用 nan_to_num：对数比远小于 0 时结果有限；
      比值超出该 dtype 的范围时结果为 +inf。不要修改输入（不要原地操作）；多次调用之间不要保留状态。
      按位置调用：``k3(log_p, log_q)``。
      卡住了？``kldrill hint k3`` 会一步步给出公式（使用提示会被记录）。
    """
    raise NotImplementedError("write k3 here / 在这里实现 k3")
