"""Exercise exact_kl / 练习 exact_kl: the exact KL that k1, k2 and k3 estimate."""

import torch


def exact_kl(logits_p: torch.Tensor, logits_q: torch.Tensor) -> torch.Tensor:
    """The exact KL(P || Q) per position, summed over the vocabulary, from logits.

    Contract
      ``logits_p`` and ``logits_q`` have the same shape (..., V), V >= 1: at each position, the
      unnormalised log-probabilities of two categorical distributions over a vocabulary of V tokens
      (P = softmax(logits_p), Q = softmax(logits_q), e.g. the policy and the reference model at one
      step of a response). The logits are finite, of any size (|logit| up to 1e4). Return a (...) tensor

          KL(P || Q) = sum_v P_v * (log P_v - log Q_v)

      with the log-probabilities from ``torch.log_softmax`` (stable for large logits: never
      ``softmax(...).log()``, which gives log 0 = -inf for a probability that underflows). It is the
      quantity that k1, k2 and k3 estimate from one sampled token; verl names it ``kl_penalty="full"``.
      It is 0 (up to rounding) when the two logits differ by a constant at a position, and 0 for V = 1.
      The result has the inputs' dtype (torch's promotion when they differ; computing in float32 inside
      for bfloat16/float16 inputs is fine) and device, gradients reach both inputs, and the inputs are
      not modified. Leading dimensions may be empty: a (0, V) input gives a (0,) result.

    Example
      >>> exact_kl(torch.tensor([[0.0, 0.0], [1.0, 2.0]]), torch.tensor([[0.0, 1.0986123], [6.0, 7.0]]))
      tensor([0.1438, 0.0000])

    契约
      ``logits_p`` 与 ``logits_q`` 形状相同，为 (..., V)，V >= 1：每个位置上两个定义在 V 个 token 词表上的
      类别分布的未归一化对数概率（P = softmax(logits_p)，Q = softmax(logits_q)，例如回答某一步上的策略模型
      和参考模型）。logits 有限，大小不限（|logit| 可达 1e4）。返回一个 (...) 张量：

          KL(P || Q) = sum_v P_v * (log P_v - log Q_v)

      其中对数概率用 ``torch.log_softmax`` 计算（对大 logits 数值稳定；不要用 ``softmax(...).log()``，
      概率下溢为 0 时会得到 log 0 = -inf）。它正是 k1、k2、k3 用单个采样 token 去估计的量；verl 里称为
      ``kl_penalty="full"``。某个位置上两组 logits 只差一个常数时结果为 0（允许舍入误差），V = 1 时也为 0。
      结果的 dtype 与输入一致（两者不同时按 torch 的类型提升；bfloat16/float16 输入在内部用 float32 计算也可以），
      device 与输入一致；梯度要能传到两个输入；不得修改输入。前面的维度可以为空：(0, V) 的输入得到 (0,) 的结果。
    """
    raise NotImplementedError("write exact_kl here / 在这里实现 exact_kl")
