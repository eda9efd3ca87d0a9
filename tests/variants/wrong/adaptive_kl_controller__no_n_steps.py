# exercise: adaptive_kl_controller
# expect: n_steps_ignored
# near: arguments
# why: one step per update whatever the batch size: value *= 1 + error / horizon
class AdaptiveKLController:
    def __init__(self, init_kl_coef, target, horizon):
        if target <= 0 or horizon <= 0:
            raise ValueError("bad arguments")
        self.value, self.target, self.horizon = init_kl_coef, target, horizon

    def update(self, current_kl, n_steps):
        error = min(max(current_kl / self.target - 1, -0.2), 0.2)
        self.value *= 1 + error / self.horizon
