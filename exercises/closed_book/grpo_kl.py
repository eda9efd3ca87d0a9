"""Closed-book exercise grpo_kl / 闭卷练习 grpo_kl: GRPO's per-token KL penalty."""

import torch


def grpo_kl(pi_logprob: torch.Tensor, pi_ref_logprob: torch.Tensor) -> torch.Tensor:
    """GRPO's per-token KL penalty. Closed book: recall it yourself.

    Contract
      Tokens were sampled from the current policy pi_theta (the first update on a batch).
      ``pi_logprob = log pi_theta(token)`` and ``pi_ref_logprob = log pi_ref(token)`` are
      tensors of one shape (typically (batch, seq_len)), or of shapes that broadcast.
      Return one value per token (no mean, no sum, no clamping): the per-token KL penalty
      that GRPO (DeepSeekMath) adds to its loss, the estimator that is unbiased and never
      negative. Which KL it estimates matters: KL(pi_theta || pi_ref), the sampling
      policy first, never KL(pi_ref || pi_theta).
      Required properties: never negative; zero where the two log-probs are equal; its
      mean over tokens from pi_theta is KL(pi_theta || pi_ref). GRPO adds beta times it to
      the loss, so gradients must flow back to ``pi_logprob``; ``pi_ref_logprob`` comes
      from a frozen model (detaching it is fine). Log-probs can be very negative (say
      -100): work from their difference.
      Inputs may be float16, bfloat16, float32 or float64, of any shape (empty ones too).
      The result has the broadcast shape, the dtype torch's type promotion gives the two
      inputs and their device, computed in that dtype. Plain IEEE arithmetic, no epsilon,
      no clamping, no nan_to_num. Do not modify the inputs; keep no state between calls.
      Called positionally: ``grpo_kl(pi_logprob, pi_ref_logprob)``.
      Stuck? ``kldrill hint grpo_kl`` unlocks the formula step by step (hints are recorded).

    契约（闭卷：自己回忆）
      token 从当前策略 pi_theta 中采样（一批数据上的第一次更新）。``pi_logprob = log pi_theta(token)``、
      ``pi_ref_logprob = log pi_ref(token)`` 形状相同（通常为 (batch, seq_len)）或可广播。
      逐 token 返回（不求均值、不求和、不裁剪）GRPO（DeepSeekMath）加进损失的逐 token KL 惩罚，
      即那个无偏且永不为负的估计。估计哪个 KL 很关键：KL(pi_theta || pi_ref)，采样策略在前，
      而不是 KL(pi_ref || pi_theta)。
      必须满足：永不为负；两个对数概率相等处为零；在来自 pi_theta 的 token 上的均值是
      KL(pi_theta || pi_ref)。GRPO 把 beta 乘以它加进损失，所以梯度必须能传回 ``pi_logprob``；
      ``pi_ref_logprob`` 来自冻结模型（detach 没有问题）。对数概率可能非常小（例如 -100）：请从二者之差出发。
      输入可以是 float16、bfloat16、float32 或 float64，任意形状（包括空张量）。结果的形状为广播后的形状，
      dtype 为 torch 对两个输入做类型提升的结果，device 与输入相同，并在该 dtype 下计算。按 IEEE 浮点运算，
      不加 epsilon、不裁剪、不用 nan_to_num。不要修改输入；多次调用之间不要保留状态。
      按位置调用：``grpo_kl(pi_logprob, pi_ref_logprob)``。
      卡住了？``kldrill hint grpo_kl`` 会一步步给出公式（使用提示会被记录）。
    """
    raise NotImplementedError("write grpo_kl here / 在这里实现 grpo_kl")
