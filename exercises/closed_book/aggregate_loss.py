"""Exercise aggregate_loss (closed book) / 练习 aggregate_loss（闭卷）: from a per-token loss to one number."""

import torch


def aggregate_loss(loss: torch.Tensor, mask: torch.Tensor, mode: str) -> torch.Tensor:
    """Aggregate a per-token loss over a padded batch into the 0-d loss to backpropagate.

    Contract
      ``loss`` (B, T), float32 or float64: a per-token loss (policy-gradient or KL term) of B
      sampled responses padded to T tokens. ``mask`` (B, T), the same dtype: 1.0 on real response
      tokens, 0.0 on padding (any pattern; rows may be all 0). Padding values of ``loss`` are finite
      but must not count. ``mode`` names how the frameworks weigh tokens and sequences:
      "token-mean" (TRL "bnpo"; over one micro-batch also DAPO's and TRL's "dapo", which count the
      tokens of the whole global batch), "seq-mean-token-mean" (TRL "grpo", DeepSeekMath's per-response
      average), "seq-mean-token-sum" (verl) and "dr-grpo" (Dr. GRPO, TRL "dr_grpo": a constant
      denominator from the padded shape). Return a 0-d tensor of the loss's dtype and device.
      Required properties: an all-zero row contributes 0 and still counts as one of the B rows; an
      all-zero mask, B = 0 or T = 0 give 0, never NaN; any other mode raises ValueError naming the
      four valid modes; differentiable in ``loss`` with the true gradient; float64 at full precision.
      Called positionally; do not modify the inputs; keep no state between calls.

    契约
      ``loss`` 形状为 (B, T)，float32 或 float64：B 个采样回答 padding 到 T 个 token 后的逐 token 损失
      （策略梯度项或 KL 项）。``mask`` 形状为 (B, T)，dtype 相同：真实回答 token 处为 1.0，padding 处为
      0.0（任意模式；某些行可以全为 0）。``loss`` 在 padding 处的值有限，但不能计入。``mode`` 指定各框架
      如何给 token 和序列加权："token-mean"（TRL "bnpo"；在单个 micro-batch 上也等于 DAPO 和 TRL 的
      "dapo"，后两者统计的是整个全局 batch 的 token 数）、"seq-mean-token-mean"（TRL "grpo"、
      DeepSeekMath 的按回答平均）、"seq-mean-token-sum"（verl）和 "dr-grpo"（Dr. GRPO、TRL "dr_grpo"：
      由 padding 后形状决定的常数分母）。返回与 loss 同 dtype、同 device 的 0 维张量。
      必须满足：全 0 的行贡献 0，但仍算作 B 行之一；全 0 的 mask、B = 0 或 T = 0 时给出 0，绝不是 NaN；
      其他 mode 抛出 ValueError 并列出四种有效模式；对 ``loss`` 可导且梯度正确；float64 达到完整精度。
      按位置调用；不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write aggregate_loss here / 在这里实现 aggregate_loss")
