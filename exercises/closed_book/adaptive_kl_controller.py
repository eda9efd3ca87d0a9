"""Exercise adaptive_kl_controller, closed book / 练习 adaptive_kl_controller（闭卷）: PPO-RLHF's adaptive KL coefficient."""


class AdaptiveKLController:
    """The adaptive KL controller of the lm-human-preferences code (Ziegler et al. 2019, "Fine-Tuning Language
    Models from Human Preferences"), as verl (verl-project/verl 1dda039) and OpenRLHF (3c3be62) keep it. TRL
    removed its copy in December 2024 (PR #2480): its PPO now uses a fixed coefficient.

    Contract
      ``AdaptiveKLController(init_kl_coef, target, horizon)``: Python numbers; ``init_kl_coef`` >= 0 is
      the starting KL coefficient, ``target`` > 0 the KL the controller steers towards, ``horizon`` > 0
      the number of samples over which it adapts. ``target <= 0`` or ``horizon <= 0`` raise ValueError.
      ``.value`` is the current coefficient (a real number), ``init_kl_coef`` after construction.
      ``.update(current_kl, n_steps)`` takes the KL measured on the last batch (a float) and that batch's
      number of samples (an int) and updates ``.value`` in place with the rule of the lm-human-preferences
      code, the one verl and OpenRLHF keep (recall how it bounds the error and how n_steps and horizon scale
      the step; not the paper's written rule beta <- beta (1 + K_beta e) with the constant K_beta = 0.1):
      the coefficient grows when the KL is above target and shrinks below it, one update can move it only by
      a bounded factor however far the KL is off, and n_steps = 0 leaves it unchanged. Each object keeps its
      own state. The return value of ``update`` is not used.

    契约
      ``AdaptiveKLController(init_kl_coef, target, horizon)``：参数为 Python 数字；``init_kl_coef`` >= 0 是初始
      KL 系数，``target`` > 0 是控制器追踪的 KL 目标，``horizon`` > 0 是调整所分摊的样本数。``target <= 0`` 或
      ``horizon <= 0`` 时抛出 ValueError。``.value`` 是当前系数（一个实数），构造后为 ``init_kl_coef``。
      ``.update(current_kl, n_steps)`` 接收上一个 batch 上测得的 KL（float）和该 batch 的样本数（int），按
      lm-human-preferences 代码中的规则（也就是 verl 和 OpenRLHF 沿用的规则）原地更新 ``.value``：请回忆它如何限制
      误差、n_steps 和 horizon 如何缩放步长；不是论文里写的 beta <- beta (1 + K_beta e)（常数 K_beta = 0.1）。KL
      高于目标时系数增大，低于目标时减小；无论 KL 偏离多远，一次更新只能让系数变化有限的倍数；n_steps = 0 时不变。
      每个对象保存自己的状态。``update`` 的返回值不会被使用。
    """

    def __init__(self, init_kl_coef: float, target: float, horizon: float) -> None:
        raise NotImplementedError("write AdaptiveKLController here / 在这里实现 AdaptiveKLController")

    def update(self, current_kl: float, n_steps: int) -> None:
        raise NotImplementedError("write AdaptiveKLController.update here / 在这里实现 AdaptiveKLController.update")
