"""Closed-book exercise k2 / 闭卷练习 k2: the low-variance, biased estimator of KL(q || p)."""

import torch


def k2(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """Per-sample k2 estimate of KL(q || p). Closed book: recall the estimator yourself.

    Contract
      Samples x are drawn from q. ``log_p = log p(x)`` and ``log_q = log q(x)`` are
      tensors of one shape, or of shapes that broadcast. Return one value per element
      (no mean, no sum): Schulman's k2 estimate of KL(q || p), a function of the log-ratio
      of the two densities alone.
      Required properties: never negative; zero exactly where p(x) = q(x); symmetric in
      swapping log_p and log_q; biased, but it agrees with KL(q || p) to second order
      when p and q are close, with low variance there.
      Gradients flow back to both inputs.
      Inputs may be float16, bfloat16, float32 or float64, of any shape (empty ones too).
      The result has the broadcast shape, the dtype torch's type promotion gives the two
      inputs and their device, computed in that dtype (no .float() inside). No epsilon, no
      clamping, no nan_to_num. Do not modify the inputs (no in-place ops); keep no state
      between calls. Called positionally: ``k2(log_p, log_q)``.
      Stuck? ``kldrill hint k2`` unlocks the formula step by step (hints are recorded).

    契约（闭卷：自己回忆估计量）
      样本 x 从 q 中采样。``log_p = log p(x)``、``log_q = log q(x)`` 形状相同或可广播。
      逐元素返回（不求均值、不求和）Schulman 的 k2 估计：KL(q || p) 的一个只依赖两个密度之对数比的估计。
      必须满足：永不为负；恰在 p(x) = q(x) 处为零；交换 log_p 与 log_q 结果不变；有偏，但当 p 与 q
      接近时与 KL(q || p) 在二阶上一致，且方差小。梯度必须能传回两个输入。
      输入可以是 float16、bfloat16、float32 或 float64，任意形状（包括空张量）。结果的形状为广播后的形状，
      dtype 为 torch 对两个输入做类型提升的结果，device 与输入相同，并在该 dtype 下计算（不要在内部
      .float()）。不加 epsilon、不裁剪、不用 nan_to_num。不要修改输入（不要原地操作）；多次调用之间
      不要保留状态。按位置调用：``k2(log_p, log_q)``。
      卡住了？``kldrill hint k2`` 会一步步给出公式（使用提示会被记录）。
    """
    raise NotImplementedError("write k2 here / 在这里实现 k2")
