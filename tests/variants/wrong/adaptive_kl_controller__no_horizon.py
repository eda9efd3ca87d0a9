# exercise: adaptive_kl_controller
# expect: horizon_ignored
# why: the step not divided by the horizon
import torch


class AdaptiveKLController:
    def __init__(self, init_kl_coef, target, horizon):
        if not (target > 0 and horizon > 0):
            raise ValueError("target and horizon must be > 0")
        self.value, self.target, self.horizon = init_kl_coef, target, horizon

    def update(self, current_kl, n_steps):
        err = min(max(current_kl / self.target - 1, -0.2), 0.2)
        self.value *= 1 + err * n_steps
