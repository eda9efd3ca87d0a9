# exercise: adaptive_kl_controller
class FixedKLController:
    def __init__(self, kl_coef):
        self.value = kl_coef

    def update(self, current, n_steps):
        pass


class AdaptiveKLController(FixedKLController):
    def __init__(self, init_kl_coef, target, horizon):
        if target <= 0 or horizon <= 0:
            raise ValueError("target and horizon must be positive")
        super().__init__(init_kl_coef)
        self.target, self.horizon = target, horizon

    def update(self, current, n_steps):
        proportional_error = min(max(current / self.target - 1.0, -0.2), 0.2)
        self.value = self.value * (1.0 + proportional_error * n_steps / self.horizon)
