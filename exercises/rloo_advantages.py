"""Exercise rloo_advantages / 练习 rloo_advantages: RLOO's leave-one-out baseline."""

import torch


def rloo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    """Advantages of G groups of n responses, each response judged against the others of its group.

    Contract
      ``rewards`` has shape (G, n): row g holds the scalar rewards of the n responses sampled for
      prompt g (RLOO, Ahmadian et al. 2024, samples a group per prompt and needs no value model).
      Return a tensor of the same shape, dtype (float32 or float64) and device:

          A[g, i] = rewards[g, i] - (sum_j rewards[g, j] - rewards[g, i]) / (n - 1)

      the reward minus the mean of the other n - 1 rewards of its row. That baseline does not depend
      on response i, so the policy gradient stays unbiased; it equals n / (n - 1) times GRPO's
      centred reward rewards[g, i] - mean_g (so GRPO without the std, Dr. GRPO, is RLOO shrunk by
      (n - 1) / n). Groups never mix: every sum is over the last dim, per row. There is no std and no
      eps (TRL's RLOOTrainer normalises only with normalize_advantages=True, over the whole batch:
      not this function).
      Edge cases, where frameworks differ: a group of one sample (n = 1) has no other response to
      leave in, and gets 0, as TRL f2cd577 RLOOTrainer does (trl/trainer/rloo_trainer.py:1553-1554);
      verl b178a3c compute_rloo_outcome_advantage rescales only groups of more than one and so leaves
      A = r there (verl/trainer/ppo/core_algos.py:518-523; its rloo_vectorized gives 0, line 751), and
      OpenRLHF 3c3be62 divides by n - 1 = 0, NaN (openrlhf/trainer/ppo_utils/experience_maker.py:265).
      G = 0 gives an empty (0, n) result. verl writes the same value as n / (n - 1) * (r - mean),
      OpenRLHF and TRL as r - (sum - r) / (n - 1), as above.
      How it is called and graded: positionally, ``rloo_advantages(rewards)``. Precision: as exact
      as the dtype allows (float64 inputs need float64 arithmetic). No gradient is graded (rewards
      come from a reward model or a checker). Do not modify ``rewards``; keep no state between calls.

    Example
      >>> rloo_advantages(torch.tensor([[1.0, 0.0, 0.0, 0.0], [2.0, 4.0, 6.0, 8.0]]))
      tensor([[ 1.0000, -0.3333, -0.3333, -0.3333],
              [-4.0000, -1.3333,  1.3333,  4.0000]])
      >>> rloo_advantages(torch.tensor([[0.7], [1.0]]))
      tensor([[0.],
              [0.]])

    契约
      ``rewards`` 的形状为 (G, n)：第 g 行是为第 g 个 prompt 采样的 n 个回答的标量奖励（RLOO，Ahmadian 等
      2024，对每个 prompt 采样一组回答，不需要价值模型）。返回形状、dtype（float32 或 float64）和 device
      都与输入相同的张量：

          A[g, i] = rewards[g, i] - (sum_j rewards[g, j] - rewards[g, i]) / (n - 1)

      即奖励减去同一行其余 n - 1 个奖励的均值。这个基线与第 i 个回答无关，所以策略梯度保持无偏；它等于
      GRPO 中心化奖励 rewards[g, i] - mean_g 的 n / (n - 1) 倍（所以不除以标准差的 GRPO，即 Dr. GRPO，
      是 RLOO 缩小为 (n - 1) / n 倍）。各组互不混合：所有求和都沿最后一维、逐行进行。没有标准差，也没有
      eps（TRL 的 RLOOTrainer 只有在 normalize_advantages=True 时才归一化，而且是对整个 batch：不属于本函数）。
      边界情况（各框架在这里不同）：只有一个样本的组（n = 1）没有可以留下来比较的其他回答，结果为 0，
      与 TRL f2cd577 的 RLOOTrainer 相同（trl/trainer/rloo_trainer.py:1553-1554）；verl b178a3c 的
      compute_rloo_outcome_advantage 只对多于一个样本的组做缩放，因此在这里保留 A = r
      （verl/trainer/ppo/core_algos.py:518-523；它的 rloo_vectorized 给出 0，第 751 行）；OpenRLHF 3c3be62
      除以 n - 1 = 0，得到 NaN（openrlhf/trainer/ppo_utils/experience_maker.py:265）。G = 0 时返回空的
      (0, n) 张量。verl 把同一个值写成 n / (n - 1) * (r - mean)，OpenRLHF 和 TRL 写成
      r - (sum - r) / (n - 1)，与上式相同。
      调用与评分方式：按位置调用 ``rloo_advantages(rewards)``。精度：达到该 dtype 所能达到的精度（float64
      输入需要用 float64 计算）。不评梯度（奖励来自奖励模型或判题器）。不要修改 ``rewards``；多次调用
      之间不要保留状态。
    """
    raise NotImplementedError("write rloo_advantages here / 在这里实现 rloo_advantages")
