# exercise: adaptive_kl_controller
class AdaptiveKLController:
    def __init__(self, init_kl_coef, target, horizon):
        if not (target > 0 and horizon > 0):
            raise ValueError(f"bad controller arguments: target={target}, horizon={horizon}")
        self._coef, self._target, self._horizon = float(init_kl_coef), float(target), float(horizon)

    @property
    def value(self):
        return self._coef

    def update(self, current_kl, n_steps):
        err = current_kl / self._target - 1
        err = 0.2 if err > 0.2 else (-0.2 if err < -0.2 else err)
        self._coef = self._coef * (1 + err * n_steps / self._horizon)
        return self._coef
