"""Exercise token_logprobs (closed book) / 练习 token_logprobs（闭卷）: the log-probability of each sampled token."""

import torch


def token_logprobs(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """log pi(token) for each position, from the model's logits.

    Contract
      ``logits`` (..., V), at least one leading dim (typically (B, T, V)): the policy's scores over
      the vocabulary at each position. ``labels`` (...), int64, values in [0, V): the sampled token
      at each position, already shifted by the caller (the logits at t predict token t + 1; do no
      shifting here). Return the log-probability the policy gives each label, shape (...).
      Required properties: numerically stable (finite for logits of size 1e4 or gaps of 200; a
      formula that underflows to -inf fails); computed in at least float32 (bfloat16 and float16
      logits give a float32 result, float32 and float64 keep theirs, float64 at full precision);
      differentiable in ``logits`` with the true gradient; V = 1 gives 0; an empty batch gives an
      empty result; the result stays on the inputs' device. Called positionally; do not modify
      the inputs; keep no state between calls.

    契约
      ``logits`` 形状为 (..., V)，至少有一个前导维（通常为 (B, T, V)）：策略在每个位置上对词表的打分。
      ``labels`` 形状为 (...)，int64，取值在 [0, V)：每个位置上采样到的 token，调用方已经做好错位
      （位置 t 的 logits 预测第 t + 1 个 token；这里不要再错位）。返回策略给每个 label 的对数概率，
      形状为 (...)。
      必须满足：数值稳定（logits 大到 1e4、或相差 200 时结果仍有限；会下溢成 -inf 的写法不及格）；
      至少用 float32 计算（bfloat16、float16 的 logits 给出 float32 结果，float32、float64 保持原
      dtype，float64 要达到完整精度）；对 ``logits`` 可导且梯度正确；V = 1 时为 0；空 batch 给出空
      结果；结果与输入在同一设备上。按位置调用；不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write token_logprobs here / 在这里实现 token_logprobs")
