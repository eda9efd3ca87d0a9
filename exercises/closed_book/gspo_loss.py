"""Exercise gspo_loss (closed book) / 练习 gspo_loss（闭卷）: GSPO's sequence-level policy loss."""

import torch


def gspo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              clip_eps: float = 3e-4, clip_eps_high: float | None = 4e-4, token_form: bool = False) -> torch.Tensor:
    """GSPO's policy loss (Group Sequence Policy Optimization, Zheng et al. 2025).

    Contract
      ``logp``, ``old_logp``: (B, T) log-probabilities of the sampled tokens under the policy being
      trained and the policy that sampled them. ``advantages``: (B,), one per response (with
      ``token_form=True`` also (B, T), one per token). ``mask``: (B, T), 1.0 on real tokens, 0.0 on
      padding, any pattern. One dtype (float32 or float64), every value finite. ``clip_eps`` and
      ``clip_eps_high`` (None: the same as clip_eps) bound the clip range below and above.
      Return GSPO's 0-d loss: one importance ratio per response, normalised by its number of real
      tokens so that it does not grow with length, in PPO's pessimistic clipped objective with the
      response's advantage, clipped per response; the mean over the B responses, each counting, one
      without real tokens adding 0. ``token_form=True`` is GSPO-token: the same ratio's value at every
      token, with a stop-gradient arrangement that lets each token's own advantage weigh its
      gradient, averaged over each response's real tokens, then over the responses.
      Required properties: gradients reach ``logp`` only (padding gets none; every real token of a
      response gets the same one with (B,) advantages; none once the clip is active in the direction
      the advantage favours); with (B,) advantages both forms agree in value and gradient; B = 0 or an
      all-zero mask gives 0. verl's compute_policy_loss_gspo is the token form (its mean leaves empty
      responses out; it clamps the log-ratio at 10); TRL's importance_sampling_level="sequence" and
      OpenRLHF's "gspo" the sequence form. Called positionally as ``gspo_loss(logp, old_logp,
      advantages, mask, clip_eps, clip_eps_high, token_form)``. The inputs' dtype and device; float64
      inputs need float64 arithmetic; do not modify the inputs; keep no state between calls.

    契约
      ``logp``、``old_logp``：(B, T)，分别是采样 token 在正在训练的策略和采样它们的策略下的对数概率。
      ``advantages``：(B,)，每条回答一个（``token_form=True`` 时也可以是 (B, T)，每个 token 一个）。``mask``：
      (B, T)，真实 token 处为 1.0，padding 处为 0.0，任意模式。dtype 相同（float32 或 float64），所有值都有限。
      ``clip_eps`` 和 ``clip_eps_high``（None 表示与 clip_eps 相同）分别限定裁剪范围的下界和上界。
      返回 GSPO 的 0 维损失：每条回答一个重要性比值，按真实 token 数归一化，使它不随长度增长；放进 PPO
      悲观的裁剪目标，配上该回答的优势，按回答整体裁剪；再对 B 条回答平均，每条都计入，没有真实 token 的
      回答贡献 0。``token_form=True`` 是 GSPO-token：每个 token 上取同一个比值的值，通过停止梯度的安排让每个
      token 自己的优势决定它的梯度，先在每条回答的真实 token 上平均，再对回答平均。
      必须满足：梯度只传到 ``logp``（padding 没有梯度；优势为 (B,) 时同一条回答的每个真实 token 梯度相同；
      一旦裁剪在优势所希望的方向上起作用，就没有梯度）；优势为 (B,) 时两种形式的值和梯度相同；B = 0 或
      mask 全为 0 时结果为 0。verl 的 compute_policy_loss_gspo 是 token 形式（求平均时不计空回答；把对数比
      裁剪在 10）；TRL 的 importance_sampling_level="sequence" 和 OpenRLHF 的 "gspo" 是序列形式。按位置调用
      ``gspo_loss(logp, old_logp, advantages, mask, clip_eps, clip_eps_high, token_form)``。结果的 dtype 和
      device 与输入相同；float64 输入需要用 float64 计算；不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write gspo_loss here / 在这里实现 gspo_loss")
