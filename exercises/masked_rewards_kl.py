"""Exercise masked_rewards_kl / 练习 masked_rewards_kl: PPO's KL-shaped reward with padding."""

import torch


def masked_rewards_kl(
    reward: torch.Tensor,
    ref_logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    mask: torch.Tensor,
    kl_ctl: float,
) -> torch.Tensor:
    """Per-token rewards for PPO over right-padded responses: the KL penalty on real tokens, the score
    on each row's last real token.

    Contract
      ``reward`` has shape (B, 1): one score per response. ``ref_logprobs``, ``old_logprobs`` and
      ``mask`` have shape (B, T): the sampled tokens' log-probs under the reference and the rollout (old)
      policy, and the response mask, 1.0 for a real token and 0.0 for padding. Responses are right-padded
      (each row's mask is some 1s, then only 0s; a row may be all 0s, or all 1s). All four tensors have
      one dtype (the mask too: a float 0/1 tensor, not bool); ``kl_ctl`` is a Python float. The
      log-probs at padding positions are finite but arbitrary (whatever the model produced there).
      Return a NEW (B, T) tensor

          rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask      # k1, on real tokens only
          rewards[i, L_i - 1] += reward[i, 0]   with L_i = mask[i].sum() # the last real token

      (OpenRLHF: the action mask's last 1; verl: valid_response_length - 1). Padding positions are
      exactly 0. A row with no real token (L_i = 0) gets no score at all (not at column -1!). T = 0 gives
      a (B, 0) result (raising there is accepted too). The inputs must not be modified. The result has the
      inputs' dtype and device. Gradients are not graded: these inputs come from the rollout.

    Example
      >>> masked_rewards_kl(torch.tensor([[1.0], [2.0]]), torch.tensor([[-1.0, -1.0, -1.0], [-1.0, -1.0, -1.0]]),
      ...                   torch.tensor([[-0.5, -2.0, -7.0], [-2.0, -1.5, -0.5]]),
      ...                   torch.tensor([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]), 0.1)
      tensor([[-0.0500,  1.1000,  0.0000],
              [ 0.1000,  0.0500,  1.9500]])

    契约
      ``reward`` 形状为 (B, 1)：每条回答一个分数。``ref_logprobs``、``old_logprobs`` 和 ``mask`` 形状为
      (B, T)：采样 token 在参考模型和 rollout（旧）策略下的对数概率，以及回答的 mask（真实 token 为 1.0，
      padding 为 0.0）。回答右侧 padding（每行 mask 先是若干个 1，之后全为 0；某行可以全为 0，也可以全为 1）。
      四个张量 dtype 相同（mask 也是：float 的 0/1 张量，不是 bool）；``kl_ctl`` 是 Python 浮点数。padding
      位置上的对数概率是有限值，但取值任意（模型在那里输出什么就是什么）。返回一个新的 (B, T) 张量：

          rewards = -kl_ctl * (old_logprobs - ref_logprobs) * mask      # k1，只在真实 token 上
          rewards[i, L_i - 1] += reward[i, 0]   其中 L_i = mask[i].sum() # 最后一个真实 token

      （OpenRLHF：action mask 的最后一个 1；verl：valid_response_length - 1。）padding 位置必须恰好为 0。
      没有任何真实 token 的行（L_i = 0）不加分数（不要加到第 -1 列！）。T = 0 时返回 (B, 0) 的结果（此时抛出
      异常也可以接受）。不得修改输入。结果的 dtype 和 device 与输入一致。本题不评判梯度：这些输入来自 rollout。
    """
    raise NotImplementedError("write masked_rewards_kl here / 在这里实现 masked_rewards_kl")
