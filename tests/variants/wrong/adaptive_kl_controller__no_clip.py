# exercise: adaptive_kl_controller
# expect: error_not_clipped
# why: the proportional error is not clipped to [-0.2, 0.2]
class AdaptiveKLController:
    def __init__(self, init_kl_coef, target, horizon):
        if target <= 0 or horizon <= 0:
            raise ValueError("bad arguments")
        self.value, self.target, self.horizon = init_kl_coef, target, horizon

    def update(self, current_kl, n_steps):
        self.value *= 1 + (current_kl / self.target - 1) * n_steps / self.horizon
