"""Exercise grpo_kl / 练习 grpo_kl: GRPO's per-token KL penalty."""

import torch


def grpo_kl(pi_logprob: torch.Tensor, pi_ref_logprob: torch.Tensor) -> torch.Tensor:
    """Per-token KL penalty of GRPO, in the k3 form.

    Contract
      Tokens were sampled from the current policy pi_theta.
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
      The result has the broadcast shape, the inputs' dtype and device. Do not modify
      the inputs.

    Example
      >>> grpo_kl(torch.tensor([-1.0, -2.0]), torch.tensor([-1.0, -1.0]))
      tensor([0.0000, 0.7183])

    契约
      token 从当前策略 pi_theta 中采样。``pi_logprob = log pi_theta(token)``、
      ``pi_ref_logprob = log pi_ref(token)`` 形状相同（通常为 (batch, seq_len)）或可广播。
      记每个 token 的 r = pi_ref / pi_theta，逐元素返回（不求均值、不求和、不截断）：

          grpo_kl = exp(pi_ref_logprob - pi_logprob) - (pi_ref_logprob - pi_logprob) - 1

      这就是 q = pi_theta、p = pi_ref 时的 k3：它的值估计的是 KL(pi_theta || pi_ref)，
      而不是 KL(pi_ref || pi_theta)。GRPO 把 beta * grpo_kl 加进损失，所以梯度必须能传回
      ``pi_logprob``；``pi_ref_logprob`` 来自冻结的参考模型，对它 detach 没有问题。对数概率可能非常小
      （例如 -100）：请对二者之差取 exp，不要写 exp(ref) / exp(pi)。
      返回张量的形状为广播后的形状，dtype 和 device 与输入一致。不要修改输入。
    """
    raise NotImplementedError("write grpo_kl here / 在这里实现 grpo_kl")
