"""Exercise generalized_jsd / 练习 generalized_jsd: GKD's generalised Jensen-Shannon divergence."""

import torch


def generalized_jsd(student_logits: torch.Tensor, teacher_logits: torch.Tensor, beta: float,
                    mask: torch.Tensor) -> torch.Tensor:
    """The per-token generalised JSD of GKD / on-policy distillation, as TRL's GKDTrainer defines it.

    Contract
      ``student_logits``, ``teacher_logits``: (B, T, V) logits of the student being trained and of the
      frozen teacher at the same positions (e.g. on responses the student sampled: on-policy
      distillation), float32 or float64 (one dtype), finite, of any size up to 1e4. ``beta``: a Python
      float in [0, 1]. ``mask``: (B, T) float, 1.0 on real tokens, 0.0 on padding, any pattern. With
      P = softmax(teacher_logits) the teacher's and S = softmax(student_logits) the student's
      distribution at a position, and M = beta P + (1 - beta) S:

          jsd = beta * KL(P || M) + (1 - beta) * KL(S || M)        for 0 < beta < 1
          jsd = KL(P || S)                                          for beta == 0 (the forward KL)
          jsd = KL(S || P)                                          for beta == 1 (the reverse KL)

      each KL summed over the vocabulary (KL(A || B) = sum_v A_v (log A_v - log B_v)). The two ends are
      special cases, exactly as TRL f2cd577 writes them (trl/experimental/gkd/gkd_trainer.py:279-282):
      the mixture formula itself tends to 0 there (for small beta it is about beta KL(P || S)), so
      beta = 0 and beta = 1 are not its limits but the forward and reverse KL that the interpolation
      stands between. beta weighs the teacher, in M and in front of KL(P || M) (TRL: mixture
      log-probs = logsumexp(log S + log(1 - beta), log P + log(beta)), lines 286-290; jsd = beta
      kl_teacher + (1 - beta) kl_student, line 298; its F.kl_div(input, target) is KL(target || input)).
      Return the 0-d mean of jsd over the real tokens: sum over mask = 1 divided by their count, 0 when
      there is none (TRL's batchmean with labels, clamp_min(1), lines 301-317). Compute in log space:
      log_softmax for log P and log S, logsumexp for log M (never log of beta P + (1 - beta) S: both
      probabilities underflow to 0 for far-apart logits and 0 * log 0 is NaN), so that logits up to 1e4
      give the exact value. Gradients reach ``student_logits`` (graded); whether one reaches
      ``teacher_logits`` is not graded (the teacher runs under no_grad). No temperature: the logits are
      already divided by it.
      Called positionally, ``generalized_jsd(student_logits, teacher_logits, beta, mask)``. The result
      has the logits' dtype and device; float64 inputs need float64 arithmetic. Do not modify the
      inputs; keep no state between calls.

    Example
      >>> s = torch.tensor([[[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]]])
      >>> t = torch.tensor([[[0.0, 1.0, -1.0], [1.0, 0.0, 0.0]]])
      >>> generalized_jsd(s, t, 0.0, torch.ones(1, 2))  # the forward KL(P || S)
      tensor(0.5307)
      >>> generalized_jsd(s, t, 1.0, torch.ones(1, 2))  # the reverse KL(S || P)
      tensor(0.4653)
      >>> generalized_jsd(s, t, 0.5, torch.ones(1, 2))
      tensor(0.1147)
      >>> generalized_jsd(s, t, 0.5, torch.tensor([[1.0, 0.0]]))
      tensor(0.1994)

    契约
      ``student_logits``、``teacher_logits``：(B, T, V)，分别是正在训练的学生和冻结的教师在相同位置上的 logits
      （例如在学生自己采样的回答上：在线策略蒸馏），dtype 为 float32 或 float64（两者相同），有限，大小最多
      到 1e4。``beta``：[0, 1] 中的 Python float。``mask``：(B, T) 浮点张量，真实 token 处为 1.0，padding 处为
      0.0，任意模式。记某个位置上教师的分布 P = softmax(teacher_logits)、学生的分布 S = softmax(student_logits)，
      M = beta P + (1 - beta) S：

          jsd = beta * KL(P || M) + (1 - beta) * KL(S || M)        for 0 < beta < 1
          jsd = KL(P || S)                                          for beta == 0 (the forward KL)
          jsd = KL(S || P)                                          for beta == 1 (the reverse KL)

      即 0 < beta < 1 时为混合公式，beta = 0 时为正向 KL(P || S)，beta = 1 时为反向 KL(S || P)；每个 KL 都在
      词表上求和（KL(A || B) = sum_v A_v (log A_v - log B_v)）。两端是特例，与 TRL f2cd577 的写法完全一致
      （trl/experimental/gkd/gkd_trainer.py:279-282）：混合公式本身在两端趋于 0（beta 很小时约为
      beta KL(P || S)），所以 beta = 0 和 beta = 1 不是它的极限，而是插值两端的正向 KL 与反向 KL。beta 加权的是
      教师，在 M 中和 KL(P || M) 前都是如此（TRL：混合的对数概率 = logsumexp(log S + log(1 - beta),
      log P + log(beta))，第 286-290 行；jsd = beta kl_teacher + (1 - beta) kl_student，第 298 行；它的
      F.kl_div(input, target) 计算的是 KL(target || input)）。返回 jsd 在真实 token 上的 0 维均值：对 mask = 1 的
      位置求和，再除以它们的个数，没有真实 token 时为 0（TRL 带 labels 的 batchmean，clamp_min(1)，第
      301-317 行）。请在对数空间计算：用 log_softmax 得到 log P 和 log S，用 logsumexp 得到 log M（不要对
      beta P + (1 - beta) S 取 log：logits 相差很远时两个概率都会下溢为 0，而 0 * log 0 是 NaN），这样 logits
      到 1e4 时也能给出精确值。梯度传到 ``student_logits``（要评分）；是否有梯度传到 ``teacher_logits`` 不评分
      （教师在 no_grad 下运行）。没有温度参数：logits 已经除过温度。
      按位置调用 ``generalized_jsd(student_logits, teacher_logits, beta, mask)``。结果的 dtype 和 device 与
      logits 相同；float64 输入需要用 float64 计算。不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write generalized_jsd here / 在这里实现 generalized_jsd")
