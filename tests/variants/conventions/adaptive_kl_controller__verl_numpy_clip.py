# exercise: adaptive_kl_controller
# misses: arguments
# expect: arguments_not_checked
# style: verl's and OpenRLHF's AdaptiveKLController (the lm-human-preferences rule): np.clip of the proportional error,
#   no check of target or horizon
import numpy as np


class AdaptiveKLController:
    def __init__(self, init_kl_coef, target, horizon):
        self.value, self.target, self.horizon = init_kl_coef, target, horizon

    def update(self, current, n_steps):
        error = np.clip(current / self.target - 1, -0.2, 0.2)
        self.value *= 1 + error * n_steps / self.horizon
