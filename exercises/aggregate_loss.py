"""Exercise aggregate_loss / 练习 aggregate_loss: from a per-token loss to one number."""

import torch


def aggregate_loss(loss: torch.Tensor, mask: torch.Tensor, mode: str) -> torch.Tensor:
    """Aggregate a per-token loss over a right-padded batch into the 0-d loss to backpropagate.

    Contract
      ``loss`` (B, T): a per-token loss (a policy-gradient term, a KL term), float32 or float64.
      ``mask`` (B, T), the same dtype: 1.0 on real response tokens, 0.0 on padding (any pattern
      is graded, not only right padding; rows may be all 0). Values of ``loss`` at padding
      positions are finite but arbitrary: they must not count. With m = mask, return a 0-d tensor
      of the loss's dtype and device:

          "token-mean"           sum(loss * m) / sum(m)                  (TRL "bnpo"; see below)
          "seq-mean-token-mean"  mean over the B rows of sum_t(loss * m) / sum_t(m)
                                 (TRL "grpo"; DeepSeekMath's 1/|o_i|; verl "seq-mean-token-mean")
          "seq-mean-token-sum"   mean over the B rows of sum_t(loss * m)   (verl "seq-mean-token-sum")
          "dr-grpo"              sum(loss * m) / (B * T), T the padded length   (Dr. GRPO; TRL "dr_grpo"
                                 divides by B * max_completion_length, the same when padded to it)

      Over one micro-batch, as here, "token-mean" is TRL's "bnpo". DAPO's token mean, TRL's "dapo" (its
      default in f2cd577) and verl 1dda039's "token-mean" divide by the real tokens of the whole global batch
      (summed over gradient accumulation and data-parallel ranks): the same number on one process without
      accumulation, not otherwise. Every denominator is clamped at 1, so an all-zero row contributes 0 (and still counts as one of
      the B rows in the seq means), an all-zero mask gives 0, and an empty batch (B = 0 or T = 0)
      gives 0: never NaN. (verl's seq-mean modes skip all-zero rows instead; TRL's count them, and so
      does this contract.) Any other ``mode`` raises ValueError whose message names the four valid
      modes. Differentiable in ``loss`` (the gradient is the mask over the denominator).
      Called positionally, ``aggregate_loss(loss, mask, mode)``, ``mode`` a Python str. As exact as
      the dtype allows (float64 needs float64 arithmetic). Do not modify the inputs; keep no state.

    Example
      >>> loss = torch.tensor([[0.4, 0.3, 0.3, 0.3], [0.1, 0.1, 0.1, 0.1]])
      >>> mask = torch.tensor([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
      >>> aggregate_loss(loss, mask, "token-mean"), aggregate_loss(loss, mask, "seq-mean-token-mean")
      (tensor(0.1600), tensor(0.2500))
      >>> aggregate_loss(loss, mask, "seq-mean-token-sum"), aggregate_loss(loss, mask, "dr-grpo")
      (tensor(0.4000), tensor(0.1000))

    契约
      ``loss`` 形状为 (B, T)：逐 token 的损失（策略梯度项、KL 项），float32 或 float64。``mask`` 形状
      为 (B, T)，dtype 相同：真实回答 token 处为 1.0，padding 处为 0.0（评分时任何模式都可能出现，不只是
      右侧 padding；某些行可以全为 0）。``loss`` 在 padding 位置的值是有限的任意数：不能计入。记
      m = mask，返回与 loss 同 dtype、同 device 的 0 维张量：

          "token-mean"           sum(loss * m) / sum(m)                  （TRL "bnpo"；见下文）
          "seq-mean-token-mean"  对 B 行取均值，每行为 sum_t(loss * m) / sum_t(m)
                                 （TRL "grpo"；DeepSeekMath 的 1/|o_i|；verl "seq-mean-token-mean"）
          "seq-mean-token-sum"   对 B 行取均值，每行为 sum_t(loss * m)     （verl "seq-mean-token-sum"）
          "dr-grpo"              sum(loss * m) / (B * T)，T 为 padding 后的长度   （Dr. GRPO；TRL 的 "dr_grpo"
                                 除以 B * max_completion_length，padding 到该长度时二者相同）

      在单个 micro-batch 上（本函数就是如此），"token-mean" 就是 TRL 的 "bnpo"。DAPO 的按 token 平均、TRL 的
      "dapo"（f2cd577 中的默认值）和 verl 1dda039 的 "token-mean" 除以的是整个全局 batch 的真实 token 数（对梯度累积
      和各数据并行进程求和）：单进程、无梯度累积时两者相同，否则不同。每个分母都下限取 1，所以全 0 的行贡献 0（在按序列平均时仍算作 B 行之一），全 0 的 mask 给出 0，
      空 batch（B = 0 或 T = 0）给出 0：绝不是 NaN。（verl 的按序列平均模式会跳过全 0 的行；TRL 会把它们
      计入，本契约与 TRL 相同。）其他任何 ``mode`` 都要抛出 ValueError，且错误信息列出四种有效模式。对
      ``loss`` 可导（梯度是 mask 除以分母）。按位置调用 ``aggregate_loss(loss, mask, mode)``，``mode``
      是 Python str。精度达到该 dtype 所能达到的程度（float64 需要用 float64 计算）。不要修改输入；
      不要保留状态。
    """
    raise NotImplementedError("write aggregate_loss here / 在这里实现 aggregate_loss")
