"""Closed-book exercise compute_rewards_kl / 闭卷练习 compute_rewards_kl: PPO's KL-shaped reward."""

import torch


def compute_rewards_kl(
    reward: torch.Tensor,
    ref_logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    kl_ctl: float,
) -> torch.Tensor:
    """Per-token rewards for PPO with the KL penalty in the reward. Closed book: recall it yourself.

    Contract
      ``reward`` has shape (B, 1): one scalar score per sequence from the reward model.
      ``ref_logprobs`` and ``old_logprobs`` have shape (B, T): per-token log-probs of the
      sampled response under the reference policy and under the rollout (old) policy.
      ``kl_ctl`` is a Python float, the KL coefficient. Return a NEW (B, T) tensor of
      per-token rewards as in InstructGPT-style PPO (OpenRLHF, TRL): every token is
      penalised by kl_ctl times the per-token k1 estimate of KL(rollout policy || reference),
      and the sequence score is credited to the last token (the last column: this exercise
      has no padding).
      Required properties: with kl_ctl = 0 the result is the score on the last column and
      zeros elsewhere; a token where the rollout policy is more likely than the reference
      is penalised (its reward goes down); T = 0 gives an empty (B, 0) result. The result
      has the dtype and device of the log-probs. The inputs must not be modified: build
      the result in a new tensor. Gradients are not graded (rollout data carries none).
      Called positionally: ``compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl)``.
      Stuck? ``kldrill hint compute_rewards_kl`` unlocks it step by step (hints are recorded).

    契约（闭卷：自己回忆）
      ``reward`` 形状为 (B, 1)：奖励模型给每条序列的一个标量分数。``ref_logprobs`` 与 ``old_logprobs``
      形状为 (B, T)：采样回答的每个 token 在参考模型和 rollout（旧）策略下的对数概率。``kl_ctl`` 是
      Python 浮点数，即 KL 系数。返回一个新的 (B, T) 张量，即 InstructGPT 式 PPO（OpenRLHF、TRL）中的
      逐 token 奖励：每个 token 都被罚以 kl_ctl 乘以 KL(rollout 策略 || 参考模型) 的逐 token k1 估计，
      序列分数记在最后一个 token 上（最后一列：本练习没有 padding）。
      必须满足：kl_ctl = 0 时结果为最后一列是分数、其余为零；rollout 策略比参考模型更可能的 token 会被罚
      （奖励变小）；T = 0 时返回空的 (B, 0) 张量。结果的 dtype 和 device 与对数概率一致。不得修改输入：
      请在新张量里构造结果。本题不评判梯度（rollout 数据不带梯度）。
      按位置调用：``compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl)``。
      卡住了？``kldrill hint compute_rewards_kl`` 会一步步给出答案（使用提示会被记录）。
    """
    raise NotImplementedError("write compute_rewards_kl here / 在这里实现 compute_rewards_kl")
