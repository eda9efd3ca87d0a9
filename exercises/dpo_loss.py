"""Exercise dpo_loss / 练习 dpo_loss: DPO, the closed form of the KL-regularised objective."""

import torch


def dpo_loss(
    policy_chosen_logps: torch.Tensor,
    policy_rejected_logps: torch.Tensor,
    ref_chosen_logps: torch.Tensor,
    ref_rejected_logps: torch.Tensor,
    beta: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The per-pair DPO loss and the implicit rewards of the chosen and the rejected responses.

    Contract
      The four inputs have shape (B,) and one dtype: for each of B preference pairs, the SEQUENCE
      log-probability (the sum over the response's tokens) of the chosen and of the rejected response
      under the policy being trained, and under the frozen reference model (these two come from a
      no_grad pass and do not require grad). ``beta`` is a Python float > 0, the KL strength. Return a
      tuple ``(losses, chosen_rewards, rejected_rewards)`` of three (B,) tensors:

          z                = beta * ((policy_chosen - ref_chosen) - (policy_rejected - ref_rejected))
          losses           = -logsigmoid(z)                    # = softplus(-z)
          chosen_rewards   = beta * (policy_chosen - ref_chosen)       detached
          rejected_rewards = beta * (policy_rejected - ref_rejected)   detached

      (TRL's "sigmoid" loss). No mean: one loss per pair. Stable for any |z| (float32 |z| up to 1e4):
      ``torch.nn.functional.logsigmoid`` or ``softplus``, never ``torch.log(torch.sigmoid(z))``, which
      gives inf for very negative z. Gradients flow from ``losses`` to the policy's log-probs; they must
      be finite for large |z| and right at z = 0 (policy = reference, DPO's first step), where
      d loss / d policy_chosen = -beta / 2. The two rewards are detached (``requires_grad`` False). The
      results have the inputs' dtype and device; the inputs are not modified; B = 0 gives empty results.

    Example
      >>> losses, chosen, rejected = dpo_loss(torch.tensor([-1.0, -3.0]), torch.tensor([-2.0, -3.0]),
      ...                                     torch.tensor([-1.5, -3.0]), torch.tensor([-1.5, -3.0]), 0.1)
      >>> losses, chosen, rejected
      (tensor([0.6444, 0.6931]), tensor([0.0500, 0.0000]), tensor([-0.0500,  0.0000]))

    契约
      四个输入形状均为 (B,)，dtype 相同：对 B 个偏好对中的每一对，分别是被选中（chosen）和被拒绝（rejected）
      回答的序列对数概率（回答中各 token 对数概率之和），一组来自正在训练的策略，一组来自冻结的参考模型（后者
      来自 no_grad 的前向，不需要梯度）。``beta`` 是 Python 浮点数且 > 0，即 KL 强度。返回一个三元组
      ``(losses, chosen_rewards, rejected_rewards)``，三个 (B,) 张量：

          z                = beta * ((policy_chosen - ref_chosen) - (policy_rejected - ref_rejected))
          losses           = -logsigmoid(z)                    # = softplus(-z)
          chosen_rewards   = beta * (policy_chosen - ref_chosen)       要 detach
          rejected_rewards = beta * (policy_rejected - ref_rejected)   要 detach

      （即 TRL 的 "sigmoid" 损失。）不求平均：每个偏好对一个损失。对任意 |z| 都要数值稳定（float32 下 |z|
      可达 1e4）：用 ``torch.nn.functional.logsigmoid`` 或 ``softplus``，不要用 ``torch.log(torch.sigmoid(z))``，
      z 很负时它会得到 inf。梯度从 ``losses`` 传到策略的对数概率；|z| 很大时梯度必须有限，并且在 z = 0（策略等于
      参考模型，即 DPO 的第一步）处也要正确：此时 d loss / d policy_chosen = -beta / 2。两个奖励要 detach
      （``requires_grad`` 为 False）。结果的 dtype 和 device 与输入一致；不得修改输入；B = 0 时返回空结果。
    """
    raise NotImplementedError("write dpo_loss here / 在这里实现 dpo_loss")
