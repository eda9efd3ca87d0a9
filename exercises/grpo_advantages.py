"""Exercise grpo_advantages / 练习 grpo_advantages: GRPO's group-relative advantage."""

import torch


def grpo_advantages(rewards: torch.Tensor, scale: bool = True, eps: float = 1e-6) -> torch.Tensor:
    """Advantages of G groups of n responses, each group normalised on its own.

    Contract
      ``rewards`` has shape (G, n): row g holds the scalar rewards of the n responses sampled for
      prompt g (GRPO samples a group per prompt and needs no value model). Return a tensor of the
      same shape, dtype (float32 or float64) and device:

          A[g, i] = (rewards[g, i] - mean_g) / (std_g + eps)

      where mean_g and std_g are the mean and the Bessel-corrected standard deviation (dividing by
      n - 1, torch.std's default) of row g, and ``eps`` is added to the std, outside the square
      root. ``scale=False`` is Dr. GRPO (TRL f2cd577 ``scale_rewards="none"``, which
      still accepts the older ``False``; verl ``norm_adv_by_std_in_grpo=False``): return rewards[g, i] - mean_g
      only, with no division. Groups never mix: statistics are over the last dim, per row.
      Edge cases: with eps > 0, a group whose rewards are all equal gets exactly 0 (0 / (0 + eps), not
      NaN); with eps = 0 it is 0 / 0 = NaN, as the first example's second row shows; a
      group of one sample (n = 1) has no std and gets 0 (with or without scaling; verl instead uses
      mean 0 and std 1 there, which leaves A = r: not this contract); G = 0 gives an
      empty (0, n) result. "Exactly 0" assumes values whose mean is exact (0.0, 0.5, 1.0, ...):
      float32's mean of seven 0.7s is not 0.7, and the division by eps then magnifies the rounding.
      How it is called and graded: positionally, ``grpo_advantages(rewards, scale, eps)`` with a
      Python bool and a Python float (eps may be 0 or large, e.g. 0.5: graded exactly as written).
      Precision: as exact as the dtype allows (float64 inputs need float64 arithmetic). No gradient
      is graded (rewards come from a reward model or a checker). Do not modify ``rewards``; keep no
      state between calls.

    Example
      >>> grpo_advantages(torch.tensor([[1.0, 0.0, 1.0, 0.0], [2.0, 2.0, 2.0, 2.0]]), eps=0.0)
      tensor([[ 0.8660, -0.8660,  0.8660, -0.8660],
              [    nan,     nan,     nan,     nan]])
      >>> grpo_advantages(torch.tensor([[1.0, 0.0, 1.0, 0.0], [2.0, 2.0, 2.0, 2.0]]))
      tensor([[ 0.8660, -0.8660,  0.8660, -0.8660],
              [ 0.0000,  0.0000,  0.0000,  0.0000]])
      >>> grpo_advantages(torch.tensor([[1.0, 0.0, 0.0, 0.0]]), scale=False)
      tensor([[ 0.7500, -0.2500, -0.2500, -0.2500]])

    契约
      ``rewards`` 的形状为 (G, n)：第 g 行是为第 g 个 prompt 采样的 n 个回答的标量奖励（GRPO 对每个
      prompt 采样一组回答，不需要价值模型）。返回形状、dtype（float32 或 float64）和 device 都与输入
      相同的张量：

          A[g, i] = (rewards[g, i] - mean_g) / (std_g + eps)

      其中 mean_g、std_g 是第 g 行的均值和经过 Bessel 校正的标准差（除以 n - 1，即 torch.std 的默认
      行为），``eps`` 加在标准差上、开方之外。``scale=False`` 即 Dr. GRPO（TRL f2cd577 的
      ``scale_rewards="none"``，它仍接受旧写法 ``False``；verl 的 ``norm_adv_by_std_in_grpo=False``）：只返回
      rewards[g, i] - mean_g，不做除法。各组互不混合：统计量沿最后
      一维、逐行计算。
      边界情况：eps > 0 时，一组奖励全部相等的结果恰好为 0（0 / (0 + eps)，不是 NaN）；eps = 0 时则是
      0 / 0 = NaN，如第一个示例的第二行所示；只有一个样本的组（n = 1）
      没有标准差，结果为 0（无论是否缩放；verl 在这种情况下取均值 0、标准差 1，得到 A = r：不符合本契约）；
      G = 0 时返回空的 (0, n) 张量。“恰好为 0”要求均值能精确
      表示（0.0、0.5、1.0……）：float32 中七个 0.7 的均值并不等于 0.7，再除以 eps 会把舍入误差放大。
      调用与评分方式：按位置调用 ``grpo_advantages(rewards, scale, eps)``，scale 是 Python bool，eps 是
      Python float（eps 可以为 0，也可以很大，例如 0.5：按所写公式严格评分）。精度：达到该 dtype 所能
      达到的精度（float64 输入需要用 float64 计算）。不评梯度（奖励来自奖励模型或判题器）。不要修改
      ``rewards``；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write grpo_advantages here / 在这里实现 grpo_advantages")
