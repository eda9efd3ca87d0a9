"""Exercise grpo_kl / 练习 grpo_kl: GRPO's per-token KL penalty."""

import torch


def grpo_kl(pi_logprob: torch.Tensor, pi_ref_logprob: torch.Tensor) -> torch.Tensor:
    """Per-token KL penalty of GRPO, in the k3 form.

    Contract
      Tokens were sampled from the current policy pi_theta. (Exact for the first update
      on a batch only: once pi_theta moves away from pi_old, the policy that sampled
      them, the mean of k3 over those tokens is no longer KL(pi_theta || pi_ref); TRL's
      ``use_bias_correction_kl`` weights it by pi_theta / pi_old. This exercise is the
      first-update case.)
      ``pi_logprob = log pi_theta(token)`` and ``pi_ref_logprob = log pi_ref(token)``
      are tensors of one shape (typically (batch, seq_len)), or of shapes that
      broadcast. With r = pi_ref / pi_theta per token, return element by element
      (no mean, no sum, no clamping)

          grpo_kl = exp(pi_ref_logprob - pi_logprob) - (pi_ref_logprob - pi_logprob) - 1

      This is k3 with q = pi_theta and p = pi_ref: its value estimates
      KL(pi_theta || pi_ref), never KL(pi_ref || pi_theta). GRPO adds beta * grpo_kl
      to the loss, so gradients must flow back to ``pi_logprob``; ``pi_ref_logprob``
      comes from a frozen model, so detaching it is fine. Log-probabilities can be very negative
      (say -100): work with their difference, never exp(ref) / exp(pi).
      How it is called and graded: positionally, ``grpo_kl(pi_logprob, pi_ref_logprob)``;
      any callable named ``grpo_kl`` counts (a function, a lambda, a functools.partial, an
      object with ``__call__``). Inputs may be float16, bfloat16, float32 or float64, of
      any shape (empty ones too). The result has the broadcast shape, the dtype torch's
      type promotion gives the two inputs (that of ``pi_ref_logprob - pi_logprob``) and
      their device. Precision: as exact as that dtype allows; float64 inputs need float64
      arithmetic (no .float() inside). Extremes follow the IEEE arithmetic of the formula,
      with no epsilon, no clamping, no nan_to_num and no round trip through exp and log:
      for pi_ref_logprob - pi_logprob far below 0 the result is finite; where the ratio
      overflows the dtype (log-ratio > 88.7 in float32 and bfloat16, > 11.09 in float16)
      it is +inf; pi_ref_logprob = -inf gives +inf. (pi_logprob = -inf, a token the
      sampling policy cannot produce, makes it inf - inf = NaN: not graded.) A gradient
      reaching ``pi_ref_logprob``, if any, must be the true one. Do not modify the inputs:
      neither their values nor their shape or strides (no in-place ops, t_(), squeeze_()).
      Keep no state between calls.

    Example
      >>> grpo_kl(torch.tensor([-1.0, -2.0]), torch.tensor([-1.0, -1.0]))
      tensor([0.0000, 0.7183])

    契约
      token 从当前策略 pi_theta 中采样。（这只对一批数据上的第一次更新严格成立：pi_theta
      一旦偏离采样这些 token 的 pi_old，k3 在这些 token 上的均值就不再是 KL(pi_theta || pi_ref)；
      TRL 的 ``use_bias_correction_kl`` 用 pi_theta / pi_old 对它加权。本题讨论第一次更新的情形。）
      ``pi_logprob = log pi_theta(token)``、
      ``pi_ref_logprob = log pi_ref(token)`` 形状相同（通常为 (batch, seq_len)）或可广播。
      记每个 token 的 r = pi_ref / pi_theta，逐元素返回（不求均值、不求和、不裁剪）：

          grpo_kl = exp(pi_ref_logprob - pi_logprob) - (pi_ref_logprob - pi_logprob) - 1

      这就是 q = pi_theta、p = pi_ref 时的 k3：它的值估计的是 KL(pi_theta || pi_ref)，
      而不是 KL(pi_ref || pi_theta)。GRPO 把 beta * grpo_kl 加进损失，所以梯度必须能传回
      ``pi_logprob``；``pi_ref_logprob`` 来自冻结的参考模型，对它 detach 没有问题。对数概率可能非常小
      （例如 -100）：请对二者之差取 exp，不要写 exp(ref) / exp(pi)。
      调用与评分方式：按位置调用 ``grpo_kl(pi_logprob, pi_ref_logprob)``；名为 ``grpo_kl`` 的任何可调用对象都算（函数、
      lambda、functools.partial、带 ``__call__`` 的对象）。输入可以是 float16、bfloat16、
      float32 或 float64，任意形状（包括空张量）。结果的形状为广播后的形状，dtype 为 torch 对两个输入做类型提升的结果（即
      ``pi_ref_logprob - pi_logprob`` 的 dtype），device 与输入相同。精度：达到该 dtype 所能达到的精度；
      float64 输入需要用 float64 计算（不要在内部 .float()）。极端值按公式的 IEEE 浮点运算处理，
      不加 epsilon、不裁剪、不用 nan_to_num，也不要经 exp 再取 log 绕一圈：pi_ref_logprob - pi_logprob
      远小于 0 时结果为有限值；比值超出该 dtype 的范围时（float32 和 bfloat16 中对数比 > 88.7，
      float16 中 > 11.09）结果为 +inf；pi_ref_logprob = -inf 时为 +inf。（pi_logprob = -inf 的
      token 不可能由采样策略产生，公式给出 inf - inf = NaN：不评分。）若有梯度传到 ``pi_ref_logprob``，
      它必须是正确的梯度。不要修改输入：数值、形状和步长（stride）都不能变（不要原地操作、
      t_()、squeeze_()）。多次调用之间不要保留状态。
    """
    raise NotImplementedError("write grpo_kl here / 在这里实现 grpo_kl")
