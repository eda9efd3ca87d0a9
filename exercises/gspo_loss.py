"""Exercise gspo_loss / 练习 gspo_loss: GSPO's sequence-level ratio, clipped per sequence."""

import torch


def gspo_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              clip_eps: float = 3e-4, clip_eps_high: float | None = 4e-4, token_form: bool = False) -> torch.Tensor:
    """GSPO's policy loss (Zheng et al. 2025, arXiv:2507.18071) for B responses of T (padded) tokens.

    Contract
      ``logp``, ``old_logp``: (B, T) log-probabilities of the sampled tokens under the policy being
      trained (pi_theta) and the policy that sampled them (pi_old). ``advantages``: (B,), one per
      response (e.g. grpo_advantages' output, flattened); with ``token_form=True`` it may also be
      (B, T), one per token. ``mask``: (B, T), 1.0 on real tokens, 0.0 on padding (any pattern; rows
      may be all 0). All float tensors share one dtype (float32 or float64); every value, padding
      included, is finite. With n_i the number of real tokens of row i and
      eps_high = clip_eps_high if given, else clip_eps:

          log_s = sum of (logp - old_logp) over the row's real tokens / max(n_i, 1)
          l_i = -min(s_i * A_i, clamp(s_i, 1 - clip_eps, 1 + eps_high) * A_i)

      with s_i = exp(log_s), the geometric mean of the token ratios (length-normalised: long and short
      responses share one scale; the product would not). Return the 0-d mean of l_i over the B rows,
      every row counting, a row without real tokens adding 0 (0 for B = 0). Gradients reach ``logp``
      only, through s_i: each real token of row i gets -A_i s_i / (n_i B) while the clip is not
      active, all of them 0 when it is (the whole response is clipped together); padding gets 0.
      ``old_logp`` and ``advantages`` come from no_grad passes: if they require grad, no gradient may
      flow into them (detach). The GSPO paper's clip ranges are tiny (3e-4 and 4e-4, the defaults here);
      the graded calls also use wider ones.
      ``token_form=True`` is GSPO-token: per token, s_it = sg(s_i) * pi_theta(y_t) / sg(pi_theta(y_t)),
      i.e. exp(sg(log_s) + logp - sg(logp)), whose value is s_i at every token; the per-token loss
      -min(s_it * A_it, clamp(s_it, 1 - clip_eps, 1 + eps_high) * A_it) (A_it = A_i for (B,)
      advantages) is then averaged over each row's real tokens and over the B rows (seq-mean-token-mean,
      empty rows adding 0). With (B,) advantages its value and gradient equal the sequence form's; with
      (B, T) advantages token t's gradient is -A_it s_i / (n_i B) where its own clip is not active.
      Where frameworks differ (volcengine/verl b178a3c, TRL f2cd577, OpenRLHF 3c3be62): verl's
      compute_policy_loss_gspo (verl/trainer/ppo/core_algos.py:1254-1326) is the token form, clamps
      log s_it at 10 before exp (line 1298: only a mean log-ratio above 10 is affected) and aggregates
      with agg_loss's "seq-mean-token-mean", which leaves rows without real tokens out of the mean
      (line 1068); TRL's importance_sampling_level="sequence" (trl/trainer/grpo_trainer.py:3058) is the
      sequence form, with loss_type "grpo" counting every row as here (line 3125); OpenRLHF's
      policy_loss_type "gspo" (openrlhf/models/loss.py:170-177) is the sequence form, per-sample means
      that leave empty rows out, and with its vLLM correction on it takes the ratio against the rollout
      log-probs instead (line 173).
      Called positionally, ``gspo_loss(logp, old_logp, advantages, mask, clip_eps, clip_eps_high,
      token_form)`` (floats, None or a float, a bool). The result has the inputs' dtype and device;
      float64 inputs need float64 arithmetic. Do not modify the inputs; keep no state between calls.

    Example
      >>> logp = torch.tensor([[-1.0, -2.0, -0.5], [-0.3, -1.2, -9.0]])
      >>> old = torch.tensor([[-1.2, -2.1, -0.5], [-0.3, -1.0, -1.0]])
      >>> mask = torch.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
      >>> gspo_loss(logp, old, torch.tensor([1.0, -1.0]), mask, 0.05, None)
      tensor(-0.0500)
      >>> logp.requires_grad_(True)
      tensor([[-1.0000, -2.0000, -0.5000],
              [-0.3000, -1.2000, -9.0000]], requires_grad=True)
      >>> gspo_loss(logp, old, torch.tensor([1.0, -1.0]), mask, 0.2, None).backward()
      >>> logp.grad
      tensor([[-0.1842, -0.1842, -0.1842],
              [ 0.2262,  0.2262,  0.0000]])

    契约
      ``logp``、``old_logp``：(B, T)，分别是采样 token 在正在训练的策略（pi_theta）和采样它们的策略（pi_old）
      下的对数概率。``advantages``：(B,)，每条回答一个（例如 grpo_advantages 的输出展平后）；``token_form=True``
      时也可以是 (B, T)，每个 token 一个。``mask``：(B, T)，真实 token 处为 1.0，padding 处为 0.0（任意模式；
      某些行可以全为 0）。所有浮点张量 dtype 相同（float32 或 float64）；所有值（包括 padding 处）都是有限的。
      记 n_i 为第 i 行真实 token 的个数，eps_high 在给出 clip_eps_high 时取它，否则取 clip_eps：

          log_s = sum of (logp - old_logp) over the row's real tokens / max(n_i, 1)
          l_i = -min(s_i * A_i, clamp(s_i, 1 - clip_eps, 1 + eps_high) * A_i)

      即 log_s 为该行真实 token 上对数比的均值，s_i = exp(log_s)，是各 token 比值的几何平均（按长度归一化：
      长短回答在同一个尺度上；乘积则不然）。返回 l_i 在 B 行上的 0 维均值：每一行都计入，没有真实 token
      的行贡献 0（B = 0 时为 0）。梯度只传到 ``logp``，经由 s_i：裁剪不起作用时，第 i 行的每个真实 token 得到
      -A_i s_i / (n_i B)；裁剪起作用时全部为 0（整条回答一起被裁剪）；padding 得到 0。``old_logp`` 和
      ``advantages`` 来自 no_grad 的前向计算：即使它们带有 requires_grad，也不能有梯度流进去（请 detach）。
      GSPO 论文的裁剪范围非常小（3e-4 和 4e-4，即这里的默认值）；评分时也会用更宽的范围。
      ``token_form=True`` 是 GSPO-token：逐 token 地，s_it = sg(s_i) * pi_theta(y_t) / sg(pi_theta(y_t))，
      即 exp(sg(log_s) + logp - sg(logp))，它在每个 token 上的值都是 s_i；逐 token 损失
      -min(s_it * A_it, clamp(s_it, 1 - clip_eps, 1 + eps_high) * A_it)（优势为 (B,) 时 A_it = A_i）先在每行的
      真实 token 上平均，再对 B 行平均（seq-mean-token-mean，空行贡献 0）。优势为 (B,) 时，它的值和梯度与
      序列形式相同；优势为 (B, T) 时，在 token t 自己的裁剪不起作用处，它的梯度为 -A_it s_i / (n_i B)。
      各框架的不同之处（volcengine/verl b178a3c、TRL f2cd577、OpenRLHF 3c3be62）：verl 的
      compute_policy_loss_gspo（verl/trainer/ppo/core_algos.py:1254-1326）用的是 token 形式，在 exp 之前把
      log s_it 裁剪在 10（第 1298 行：只影响对数比均值超过 10 的情况），并用 agg_loss 的
      "seq-mean-token-mean" 聚合，没有真实 token 的行不计入平均（第 1068 行）；TRL 的
      importance_sampling_level="sequence"（trl/trainer/grpo_trainer.py:3058）是序列形式，loss_type "grpo"
      与本题一样计入每一行（第 3125 行）；OpenRLHF 的 policy_loss_type "gspo"（openrlhf/models/loss.py:170-177）
      是序列形式，按样本平均时不计空行，开启 vLLM 修正时则改用相对 rollout 对数概率的比值（第 173 行）。
      按位置调用 ``gspo_loss(logp, old_logp, advantages, mask, clip_eps, clip_eps_high, token_form)``（几个
      float、None 或 float、一个 bool）。结果的 dtype 和 device 与输入相同；float64 输入需要用 float64 计算。
      不要修改输入；多次调用之间不要保留状态。
    """
    raise NotImplementedError("write gspo_loss here / 在这里实现 gspo_loss")
