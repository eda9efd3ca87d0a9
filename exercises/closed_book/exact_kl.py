"""Exercise exact_kl, closed book / 练习 exact_kl（闭卷）: the exact KL that k1, k2 and k3 estimate."""

import torch


def exact_kl(logits_p: torch.Tensor, logits_q: torch.Tensor) -> torch.Tensor:
    """The exact KL(P || Q) at each position, over the whole vocabulary, from logits.

    Contract
      ``logits_p`` and ``logits_q`` have the same shape (..., V), V >= 1: at each position, the
      unnormalised log-probabilities (logits) of two categorical distributions P and Q over V tokens,
      for example the policy's and the reference model's at one step of a response. They are finite and
      may be large (|logit| up to 1e4). Return a (...) tensor: the exact KL(P || Q) at each position
      (the direction matters: P is the first argument), the quantity the sampled estimators k1..k3
      approximate. It must stay finite and accurate for large logits, be 0 (up to rounding) where the
      two logits differ by a constant, and 0 when V = 1. The result has the inputs' dtype (torch's
      promotion when they differ) and device; gradients reach both inputs; the inputs are not modified;
      a (0, V) input gives a (0,) result.

    契约
      ``logits_p`` 与 ``logits_q`` 形状相同，为 (..., V)，V >= 1：每个位置上两个定义在 V 个 token 上的类别
      分布 P、Q 的未归一化对数概率（logits），例如回答某一步上策略模型和参考模型的输出。它们有限，可以很大
      （|logit| 可达 1e4）。返回一个 (...) 张量：每个位置上精确的 KL(P || Q)（方向有讲究：P 是第一个参数），
      也就是采样估计量 k1..k3 所近似的那个量。对大 logits 也要保持有限且准确；两组 logits 只差一个常数的
      位置结果为 0（允许舍入误差），V = 1 时为 0。结果的 dtype 与输入一致（不同时按 torch 的类型提升），
      device 也一致；梯度要传到两个输入；不得修改输入；(0, V) 的输入得到 (0,) 的结果。
    """
    raise NotImplementedError("write exact_kl here / 在这里实现 exact_kl")
