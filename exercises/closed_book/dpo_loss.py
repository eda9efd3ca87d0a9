"""Exercise dpo_loss, closed book / 练习 dpo_loss（闭卷）: DPO, the closed form of the KL-regularised objective."""

import torch


def dpo_loss(
    policy_chosen_logps: torch.Tensor,
    policy_rejected_logps: torch.Tensor,
    ref_chosen_logps: torch.Tensor,
    ref_rejected_logps: torch.Tensor,
    beta: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The DPO loss of each preference pair, and the implicit rewards of its two responses.

    Contract
      The four inputs have shape (B,) and one dtype: per preference pair, the sequence log-probability
      (summed over the response's tokens) of the chosen and of the rejected response, under the policy
      being trained and under the frozen reference model (the latter from a no_grad pass). ``beta`` is a
      Python float > 0, the strength of the KL regularisation DPO stands for. Return a tuple
      ``(losses, chosen_rewards, rejected_rewards)`` of three (B,) tensors: the per-pair DPO loss of
      Rafailov et al. 2023 (the logistic, "sigmoid" variant that TRL defaults to; no mean over pairs), and
      the implicit rewards DPO assigns to the chosen and to the rejected response (beta-scaled). Required:
      losses finite and accurate for any margin (float32 margins up to 1e4 in size); gradients from the
      losses reach the policy's log-probs, finite for large margins and right at a zero margin (policy =
      reference, DPO's first step); both rewards detached (requires_grad False); the inputs' dtype and
      device; inputs not modified; B = 0 gives empty results.

    契约
      四个输入形状均为 (B,)，dtype 相同：每个偏好对中被选中和被拒绝回答的序列对数概率（对回答的 token 求和），
      分别在正在训练的策略和冻结的参考模型下（后者来自 no_grad 的前向）。``beta`` 是 Python 浮点数且 > 0，即 DPO
      所对应的 KL 正则强度。返回三元组 ``(losses, chosen_rewards, rejected_rewards)``，三个 (B,) 张量：Rafailov
      等人 2023 年提出的逐对 DPO 损失（logistic，即 TRL 默认的 "sigmoid" 形式；不对偏好对求平均），以及 DPO 赋予
      被选中回答和被拒绝回答的隐式奖励（带 beta 缩放）。要求：对任意大小的 margin 损失都有限且准确（float32 下
      margin 的绝对值可达 1e4）；梯度从损失传到策略的对数概率，margin 很大时有限，margin 为零（策略等于参考模型，
      DPO 的第一步）时也要正确；两个奖励都要 detach（requires_grad 为 False）；dtype 和 device 与输入一致；不得修改
      输入；B = 0 时返回空结果。
    """
    raise NotImplementedError("write dpo_loss here / 在这里实现 dpo_loss")
