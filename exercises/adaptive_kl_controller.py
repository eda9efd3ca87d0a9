"""Exercise adaptive_kl_controller / 练习 adaptive_kl_controller: the adaptive KL coefficient of PPO-RLHF."""


class AdaptiveKLController:
    """The KL coefficient that steers the measured KL towards a target (Ziegler et al. 2019).

    Contract
      ``AdaptiveKLController(init_kl_coef, target, horizon)``: Python numbers; ``init_kl_coef`` >= 0 is
      the starting coefficient (kl_ctl of masked_rewards_kl), ``target`` > 0 the KL per response to aim
      for, ``horizon`` > 0 how many samples the adaptation is spread over. ``target <= 0`` or
      ``horizon <= 0`` raise ValueError. ``.value`` is the current coefficient, a Python float (or int,
      numpy or one-element tensor scalar), equal to ``init_kl_coef`` after construction.
      ``.update(current_kl, n_steps)`` (a float, the KL measured on the last batch, and an int, how many
      samples that batch had) changes ``.value`` in place:

          error  = clip(current_kl / target - 1, -0.2, 0.2)
          value *= 1 + error * n_steps / horizon

      (TRL, OpenRLHF and verl write it so). Each object keeps its own state: two controllers never share
      one. Its return value is not used.

    Example
      >>> kl = AdaptiveKLController(0.1, target=6.0, horizon=10000)
      >>> kl.update(9.0, n_steps=5000)   # KL 50% above target: error clipped to 0.2
      >>> round(kl.value, 6)
      0.11

    契约
      ``AdaptiveKLController(init_kl_coef, target, horizon)``：参数为 Python 数字；``init_kl_coef`` >= 0 是初始
      系数（即 masked_rewards_kl 的 kl_ctl），``target`` > 0 是希望每条回答达到的 KL，``horizon`` > 0 表示调整
      分摊到多少个样本上。``target <= 0`` 或 ``horizon <= 0`` 时抛出 ValueError。``.value`` 是当前系数，Python
      浮点数（也可以是 int、numpy 标量或单元素张量），构造后等于 ``init_kl_coef``。``.update(current_kl, n_steps)``
      （一个 float，即上一个 batch 上测得的 KL；一个 int，即该 batch 的样本数）原地修改 ``.value``：

          error  = clip(current_kl / target - 1, -0.2, 0.2)
          value *= 1 + error * n_steps / horizon

      （TRL、OpenRLHF 和 verl 都这样写。）每个对象保存自己的状态：两个控制器之间不共享状态。返回值不会被使用。
    """

    def __init__(self, init_kl_coef: float, target: float, horizon: float) -> None:
        raise NotImplementedError("write AdaptiveKLController here / 在这里实现 AdaptiveKLController")

    def update(self, current_kl: float, n_steps: int) -> None:
        raise NotImplementedError("write AdaptiveKLController.update here / 在这里实现 AdaptiveKLController.update")
