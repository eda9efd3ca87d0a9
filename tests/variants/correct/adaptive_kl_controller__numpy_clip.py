# exercise: adaptive_kl_controller
import numpy as np


class AdaptiveKLController:
    """As TRL and OpenRLHF write it, plus the argument checks."""

    def __init__(self, init_kl_coef, target, horizon):
        if target <= 0 or horizon <= 0:
            raise ValueError("target and horizon must be positive")
        self.value = init_kl_coef
        self.target = target
        self.horizon = horizon

    def update(self, current, n_steps):
        proportional_error = np.clip(current / self.target - 1, -0.2, 0.2)
        mult = 1 + proportional_error * n_steps / self.horizon
        self.value *= mult  # a numpy float64 from now on: fine
