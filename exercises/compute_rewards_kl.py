"""Exercise compute_rewards_kl / 练习 compute_rewards_kl: PPO's KL-shaped reward."""

import torch


def compute_rewards_kl(
    reward: torch.Tensor,
    ref_logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    kl_ctl: float,
) -> torch.Tensor:
    """Per-token rewards for PPO: a KL penalty on every token, the score on the last.

    Contract
      ``reward`` has shape (B, 1): one scalar score per sequence from the reward model.
      ``ref_logprobs`` and ``old_logprobs`` have shape (B, T): per-token log-probs of
      the sampled response under the reference policy and under the rollout (old)
      policy. ``kl_ctl`` is a Python float, the KL coefficient. Return a NEW (B, T)
      tensor

          rewards = -kl_ctl * (old_logprobs - ref_logprobs)    # k1 per token
          rewards[:, -1] += reward[:, 0]                        # score on the last token

      (the last column, T - 1: this exercise has no padding; real frameworks use
      the last non-padding token). The inputs must not be modified: build the
      result in a new tensor. The result has the dtype and device of the log-probs.
      Gradients are not graded here: in PPO these inputs come from the rollout and
      carry none.

    Example
      >>> compute_rewards_kl(torch.tensor([[1.0]]), torch.tensor([[-1.0, -1.0]]),
      ...                    torch.tensor([[-0.5, -2.0]]), 0.1)
      tensor([[-0.0500,  1.1000]])

    契约
      ``reward`` 形状为 (B, 1)：奖励模型给每条序列的一个标量分数。``ref_logprobs`` 与
      ``old_logprobs`` 形状为 (B, T)：采样回答的每个 token 在参考模型和 rollout（旧）策略下的
      对数概率。``kl_ctl`` 是 Python 浮点数，即 KL 系数。返回一个新的 (B, T) 张量：

          rewards = -kl_ctl * (old_logprobs - ref_logprobs)    # 每个 token 的 k1
          rewards[:, -1] += reward[:, 0]                        # 分数加在最后一个 token 上

      （即最后一列 T - 1：本练习没有 padding；实际框架会放在最后一个非 padding token 上。）
      不得修改输入：请在新张量里构造结果。结果的 dtype 和 device 与对数概率一致。
      本题不评判梯度：PPO 中这些输入来自 rollout，本身不带梯度。
    """
    raise NotImplementedError("write compute_rewards_kl here / 在这里实现 compute_rewards_kl")
