"""Exercise token_logprobs / 练习 token_logprobs: the log-probability of each sampled token."""

import torch


def token_logprobs(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """log pi(token) for each position, from the model's logits.

    Contract
      ``logits`` has shape (..., V) (at least one leading dim, typically (B, T, V)): the model's
      scores over a vocabulary of V tokens at each position. ``labels`` has shape (...), dtype int64,
      values in [0, V): the token whose log-probability is wanted at each position. The caller has
      already shifted them: the logits at position t predict token t + 1, so ``labels[..., t]`` is
      the token that followed, and this function does no shifting of its own. Return, per position,

          log_softmax(logits, dim=-1)[..., labels]      (the entry of the last dim at the label)

      of shape (...). Numerically stable: log_softmax (or logits minus their logsumexp), never
      softmax followed by log (it underflows to -inf for tokens far below the top one).
      Precision and dtype: computed in at least float32; bfloat16 and float16 logits give a float32
      result (upcast before the log-softmax, as OpenRLHF 3c3be62 does; TRL f2cd577's
      selective_log_softmax and verl 1dda039's PyTorch path return the logits' dtype, bf16 for bf16
      logits, a convention this exercise does not follow), float32 and float64 logits keep their dtype
      (float64 needs float64 arithmetic). Differentiable in ``logits`` (a policy-gradient
      loss backpropagates through it). Edge cases: V = 1 gives 0 everywhere; an empty batch gives an
      empty result. Logits may be large (say 1e4) or far apart (gaps of 200): still finite. The
      result stays on the inputs' device. Called positionally, ``token_logprobs(logits, labels)``.
      Do not modify the inputs; keep no state between calls.

    Example
      >>> token_logprobs(torch.tensor([[0.0, 0.0], [1.0, 3.0]]), torch.tensor([1, 0]))
      tensor([-0.6931, -2.1269])

    契约
      ``logits`` 的形状为 (..., V)（至少有一个前导维，通常为 (B, T, V)）：模型在每个位置上对 V 个词表
      token 的打分。``labels`` 的形状为 (...)，dtype 为 int64，取值在 [0, V)：每个位置上要求其对数概率
      的 token。调用方已经做好了错位：位置 t 的 logits 预测的是第 t + 1 个 token，所以
      ``labels[..., t]`` 就是紧随其后的那个 token，本函数不要再自行错位。逐位置返回

          log_softmax(logits, dim=-1)[..., labels]      （最后一维上 label 处的那一项）

      形状为 (...)。必须数值稳定：用 log_softmax（或 logits 减去其 logsumexp），绝不要先 softmax 再取
      log（对远低于最大值的 token 会下溢成 -inf）。
      精度与 dtype：至少用 float32 计算；bfloat16 和 float16 的 logits 给出 float32 结果（在
      log-softmax 之前先升精度，OpenRLHF 3c3be62 就这样做；TRL f2cd577 的 selective_log_softmax 和 verl 1dda039
      的 PyTorch 实现返回 logits 原来的 dtype，bf16 的 logits 得到 bf16 结果，本练习不采用这种约定），float32 和
      float64 的 logits 保持原 dtype（float64 需要用 float64 计算）。对 ``logits`` 可导（策略梯度损失要通过它反向传播）。边界情况：
      V = 1 时结果处处为 0；空 batch 给出空结果。logits 可能很大（例如 1e4）或相差很远（差 200）：结果
      仍然有限。结果与输入在同一设备上。按位置调用 ``token_logprobs(logits, labels)``。不要修改输入；
      多次调用之间不要保留状态。
    """
    raise NotImplementedError("write token_logprobs here / 在这里实现 token_logprobs")
