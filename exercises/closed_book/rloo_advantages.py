"""Exercise rloo_advantages (closed book) / 练习 rloo_advantages（闭卷）: RLOO's leave-one-out baseline."""

import torch


def rloo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    """RLOO's advantage of each sampled response, against a baseline built from its own group.

    Contract
      ``rewards`` has shape (G, n): row g holds the scalar rewards of the n responses sampled for
      prompt g. Return the advantages of RLOO (REINFORCE Leave-One-Out, Ahmadian et al. 2024): a
      tensor of the same shape, dtype (float32 or float64) and device, whose baseline for response i
      is built from its group without using response i itself, so that the policy gradient stays
      unbiased. Groups never mix. There is no normalisation by a spread and no eps.
      Required properties: a group of one sample (n = 1) gets 0 (TRL's RLOOTrainer; verl's
      compute_rloo_outcome_advantage leaves the reward there, OpenRLHF gives NaN); G = 0 gives an
      empty (0, n) result; the advantages of a group sum to 0; each is n / (n - 1) times what
      subtracting the group's plain mean would give. Called positionally as
      ``rloo_advantages(rewards)``. As exact as the dtype allows; no gradient is graded; do not
      modify ``rewards``; keep no state between calls.

    契约
      ``rewards`` 的形状为 (G, n)：第 g 行是为第 g 个 prompt 采样的 n 个回答的标量奖励。返回 RLOO
      （REINFORCE Leave-One-Out，Ahmadian 等 2024）的优势：形状、dtype（float32 或 float64）和 device 与输入
      相同；第 i 个回答的基线由它所在的组构造，但不使用第 i 个回答本身，这样策略梯度才保持无偏。各组互不
      混合。不除以离散程度，也没有 eps。
      必须满足：只有一个样本的组（n = 1）结果为 0（TRL 的 RLOOTrainer；verl 的 compute_rloo_outcome_advantage
      在这里保留奖励本身，OpenRLHF 给出 NaN）；G = 0 时返回空的 (0, n) 张量；同一组的优势之和为 0；每个
      优势是直接减去组内普通均值所得结果的 n / (n - 1) 倍。按位置调用 ``rloo_advantages(rewards)``。精度
      达到该 dtype 所能达到的程度；不评梯度；不要修改 ``rewards``；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write rloo_advantages here / 在这里实现 rloo_advantages")
