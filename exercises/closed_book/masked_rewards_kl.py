"""Exercise masked_rewards_kl, closed book / 练习 masked_rewards_kl（闭卷）: PPO's KL-shaped reward with padding."""

import torch


def masked_rewards_kl(
    reward: torch.Tensor,
    ref_logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    mask: torch.Tensor,
    kl_ctl: float,
) -> torch.Tensor:
    """PPO's per-token rewards over right-padded responses: a KL penalty and the sequence score.

    Contract
      ``reward`` (B, 1): the reward model's score of each response. ``ref_logprobs`` and ``old_logprobs``
      (B, T): the sampled tokens' log-probs under the frozen reference model and under the rollout (old)
      policy that generated them. ``mask`` (B, T): 1.0 on real response tokens, 0.0 on padding; right-padded
      (some 1s then only 0s per row; a row may be all 0s or all 1s). All four share one dtype (the mask is a
      float 0/1 tensor, not bool). ``kl_ctl`` is a Python float, the KL coefficient. Log-probs at padding
      are finite but arbitrary. Return a NEW (B, T) tensor of per-token rewards, as PPO's reward shaping
      defines them (the per-token KL penalty of the rollout policy against the reference, weighted by
      ``kl_ctl``, and the score credited once per response, on its last real token). Required: exactly 0
      on every padding position; a row without real tokens gets no score anywhere; T = 0 gives a (B, 0)
      result (raising is accepted there); the inputs are not modified; the result has the inputs' dtype
      and device. Gradients are not graded (these come from the rollout).

    契约
      ``reward`` (B, 1)：奖励模型给每条回答的分数。``ref_logprobs`` 与 ``old_logprobs`` (B, T)：采样 token 在
      冻结的参考模型下、以及在生成它们的 rollout（旧）策略下的对数概率。``mask`` (B, T)：真实回答 token 为 1.0，
      padding 为 0.0；右侧 padding（每行先是若干个 1，之后全为 0；可以全为 0 或全为 1）。四个张量 dtype 相同（mask 是
      float 的 0/1 张量，不是 bool）。``kl_ctl`` 是 Python 浮点数，即 KL 系数。padding 处的对数概率有限但任意。
      返回一个新的 (B, T) 逐 token 奖励张量，按 PPO 奖励塑形的定义（rollout 策略相对参考模型的逐 token KL 惩罚，
      乘以 ``kl_ctl``；序列分数每条回答只记一次，记在它最后一个真实 token 上）。要求：每个 padding 位置恰好为 0；
      没有真实 token 的行在任何位置都不加分数；T = 0 时返回 (B, 0)（此时抛出异常也可以）；不得修改输入；
      结果的 dtype 和 device 与输入一致。不评判梯度（这些输入来自 rollout）。
    """
    raise NotImplementedError("write masked_rewards_kl here / 在这里实现 masked_rewards_kl")
