"""Exercise grpo_advantages (closed book) / 练习 grpo_advantages（闭卷）: GRPO's group-relative advantage."""

import torch


def grpo_advantages(rewards: torch.Tensor, scale: bool = True, eps: float = 1e-6) -> torch.Tensor:
    """GRPO's advantage of each sampled response, relative to its own group.

    Contract
      ``rewards`` has shape (G, n): row g holds the scalar rewards of the n responses sampled for
      prompt g. Return the advantages GRPO (DeepSeekMath) uses in place of a value model: a tensor of
      the same shape, dtype (float32 or float64) and device, where each group is normalised on its
      own (groups never mix). The spread is the Bessel-corrected one, and ``eps`` is the stabiliser
      the frameworks add to it (outside any square root). ``scale=False`` is Dr. GRPO's variant (TRL
      ``scale_rewards="none"``, formerly ``False``; verl ``norm_adv_by_std_in_grpo=False``): no normalisation by
      the spread.
      Required properties: with eps > 0, a group whose rewards are all equal gets exactly 0 (with eps = 0 they
      come out 0 / 0, NaN); a group
      of one sample (n = 1) gets 0; G = 0 gives an empty (0, n) result; the advantages of a group sum
      to 0. Called positionally as ``grpo_advantages(rewards, scale, eps)`` (a bool, a float; eps may
      be 0 or large and is used as given). As exact as the dtype allows; no gradient is graded; do
      not modify ``rewards``; keep no state between calls.

    契约
      ``rewards`` 的形状为 (G, n)：第 g 行是为第 g 个 prompt 采样的 n 个回答的标量奖励。返回 GRPO
      （DeepSeekMath）用来代替价值模型的优势：形状、dtype（float32 或 float64）和 device 与输入相同，
      每组单独归一化（组与组不混合）。离散程度用 Bessel 校正的版本，``eps`` 是各框架加在它上面的稳定项
      （加在任何开方之外）。``scale=False`` 是 Dr. GRPO 的变体（TRL 的 ``scale_rewards="none"``，旧写法为
      ``False``；verl 的 ``norm_adv_by_std_in_grpo=False``）：不除以离散程度。
      必须满足：eps > 0 时，一组奖励全部相等的结果恰好为 0（eps = 0 时会得到 0 / 0，即 NaN）；只有一个样本的组（n = 1）结果为 0；
      G = 0 时返回空的 (0, n) 张量；同一组的优势之和为 0。按位置调用 ``grpo_advantages(rewards, scale,
      eps)``（一个 bool、一个 float；eps 可以为 0 或很大，按给定值使用）。精度达到该 dtype 所能达到的
      程度；不评梯度；不要修改 ``rewards``；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write grpo_advantages here / 在这里实现 grpo_advantages")
