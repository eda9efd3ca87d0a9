# exercise: adaptive_kl_controller
# misses: arguments
# expect: arguments_not_checked
# why: target <= 0 or horizon <= 0 are accepted (a division by zero, or a controller running backwards, later)
class AdaptiveKLController:
    def __init__(self, init_kl_coef, target, horizon):
        self.value, self.target, self.horizon = init_kl_coef, target, horizon

    def update(self, current_kl, n_steps):
        error = min(max(current_kl / self.target - 1, -0.2), 0.2)
        self.value *= 1 + error * n_steps / self.horizon
