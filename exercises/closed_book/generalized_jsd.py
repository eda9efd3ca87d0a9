"""Exercise generalized_jsd (closed book) / 练习 generalized_jsd（闭卷）: GKD's distillation loss."""

import torch


def generalized_jsd(student_logits: torch.Tensor, teacher_logits: torch.Tensor, beta: float,
                    mask: torch.Tensor) -> torch.Tensor:
    """The distillation loss of GKD (Agarwal et al. 2024), per token, as TRL's GKDTrainer defines it.

    Contract
      ``student_logits``, ``teacher_logits``: (B, T, V) logits of the student and of the frozen teacher
      at the same positions, float32 or float64 (one dtype), finite, up to 1e4. ``beta``: a float in
      [0, 1]. ``mask``: (B, T) float, 1.0 on real tokens, 0.0 on padding, any pattern.
      Return the 0-d mean, over the real tokens, of the generalised Jensen-Shannon divergence between
      the teacher's and the student's next-token distributions, with TRL's conventions: beta is the
      teacher's weight, both in the mixture of the two distributions and in front of the teacher's
      divergence from that mixture; at beta = 0 TRL returns the forward KL (teacher against student)
      and at beta = 1 the reverse KL (student against teacher), special cases that are not limits of
      the interpolation (which vanishes at both ends).
      Required properties: 0 when there is no real token; exact (no NaN, no inf) for logits up to 1e4
      and far-apart distributions; 0 when student and teacher agree; gradients reach
      ``student_logits`` (whether they reach ``teacher_logits`` is not graded). Called positionally as
      ``generalized_jsd(student_logits, teacher_logits, beta, mask)``. The logits' dtype and device;
      float64 inputs need float64 arithmetic; do not modify the inputs; keep no state between calls.

    契约
      ``student_logits``、``teacher_logits``：(B, T, V)，分别是学生和冻结的教师在相同位置上的 logits，dtype 为
      float32 或 float64（两者相同），有限，最大到 1e4。``beta``：[0, 1] 中的 float。``mask``：(B, T) 浮点张量，
      真实 token 处为 1.0，padding 处为 0.0，任意模式。
      返回教师与学生下一个 token 分布之间的广义 Jensen-Shannon 散度在真实 token 上的 0 维均值，采用 TRL 的约定：
      beta 是教师的权重，在两个分布的混合中、以及教师相对该混合的散度前面都是如此；beta = 0 时 TRL 返回正向
      KL（教师相对学生），beta = 1 时返回反向 KL（学生相对教师），这两个特例并不是插值公式的极限（插值公式在
      两端都趋于 0）。
      必须满足：没有真实 token 时为 0；logits 到 1e4、分布相差很远时也精确（没有 NaN、没有 inf）；学生与教师一致
      时为 0；梯度传到 ``student_logits``（是否传到 ``teacher_logits`` 不评分）。按位置调用
      ``generalized_jsd(student_logits, teacher_logits, beta, mask)``。结果的 dtype 和 device 与 logits 相同；
      float64 输入需要用 float64 计算；不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write generalized_jsd here / 在这里实现 generalized_jsd")
