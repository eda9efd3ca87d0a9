"""Exercise adaptive_kl_controller / 练习 adaptive_kl_controller: the adaptive KL coefficient of PPO-RLHF."""


class AdaptiveKLController:
    """The KL coefficient that steers the measured KL towards a target (the lm-human-preferences code of
    Ziegler et al. 2019).

    Contract
      ``AdaptiveKLController(init_kl_coef, target, horizon)``: Python numbers; ``init_kl_coef`` >= 0 is
      the starting coefficient (kl_ctl of masked_rewards_kl), ``target`` > 0 the KL to aim for, in the
      unit the caller measures it in, ``horizon`` > 0 how many samples the adaptation is spread over.
      ``target <= 0`` or ``horizon <= 0`` raise ValueError. ``.value`` is the current coefficient, a Python float (or int,
      numpy or one-element tensor scalar), equal to ``init_kl_coef`` after construction.
      ``.update(current_kl, n_steps)`` (a float, the KL measured on the last batch, and an int, how many
      samples that batch had) changes ``.value`` in place:

          error  = clip(current_kl / target - 1, -0.2, 0.2)
          value *= 1 + error * n_steps / horizon

      (the lm-human-preferences code; verl-project/verl 1dda039 and OpenRLHF 3c3be62 keep it. The paper's
      text writes beta <- beta (1 + K_beta e) with K_beta = 0.1, without n_steps / horizon. TRL removed its
      copy in PR #2480, Dec 2024; its PPO now uses a fixed kl_coef.) What the KL is differs by convention:
      lm-human-preferences and TRL up to v0.11 fed the KL summed over each response (a target of 6 nats in
      its launch.py and in TRL's old default); verl's apply_kl_penalty and OpenRLHF feed the per-token mean
      of each response (verl's default target is 0.1). Each object keeps its own state: two controllers
      never share one. Its return value is not used.

    Example
      >>> kl = AdaptiveKLController(0.1, target=6.0, horizon=10000)
      >>> kl.update(9.0, n_steps=5000)   # KL 50% above target: error clipped to 0.2
      >>> round(kl.value, 6)
      0.11

    契约
      ``AdaptiveKLController(init_kl_coef, target, horizon)``：参数为 Python 数字；``init_kl_coef`` >= 0 是初始
      系数（即 masked_rewards_kl 的 kl_ctl），``target`` > 0 是希望达到的 KL（单位与调用方测量 KL 的方式一致），
      ``horizon`` > 0 表示调整分摊到多少个样本上。``target <= 0`` 或 ``horizon <= 0`` 时抛出 ValueError。
      ``.value`` 是当前系数，Python 浮点数（也可以是 int、numpy 标量或单元素张量），构造后等于 ``init_kl_coef``。``.update(current_kl, n_steps)``
      （一个 float，即上一个 batch 上测得的 KL；一个 int，即该 batch 的样本数）原地修改 ``.value``：

          error  = clip(current_kl / target - 1, -0.2, 0.2)
          value *= 1 + error * n_steps / horizon

      （这是 lm-human-preferences 代码里的写法，verl-project/verl 1dda039 和 OpenRLHF 3c3be62 沿用了它。论文正文写的是
      beta <- beta (1 + K_beta e)，K_beta = 0.1，没有 n_steps / horizon。TRL 在 PR #2480（2024 年 12 月）中删掉了
      自己的版本，它的 PPO 现在用固定的 kl_coef。）KL 指什么因约定而异：lm-human-preferences 和 v0.11 及以前的 TRL
      传入每条回答上求和的 KL（其 launch.py 和旧版 TRL 的默认目标都是 6 nat）；verl 的 apply_kl_penalty 和
      OpenRLHF 传入每条回答逐 token 的平均值（verl 的默认目标为 0.1）。每个对象保存自己的状态：两个控制器之间
      不共享状态。返回值不会被使用。
    """

    def __init__(self, init_kl_coef: float, target: float, horizon: float) -> None:
        raise NotImplementedError("write AdaptiveKLController here / 在这里实现 AdaptiveKLController")

    def update(self, current_kl: float, n_steps: int) -> None:
        raise NotImplementedError("write AdaptiveKLController.update here / 在这里实现 AdaptiveKLController.update")
