# exercise: adaptive_kl_controller
# expect: controller_sign_flipped
# why: error = 1 - current / target: the coefficient falls when the KL is too high
class AdaptiveKLController:
    def __init__(self, init_kl_coef, target, horizon):
        if target <= 0 or horizon <= 0:
            raise ValueError("bad arguments")
        self.value, self.target, self.horizon = init_kl_coef, target, horizon

    def update(self, current_kl, n_steps):
        error = min(max(1 - current_kl / self.target, -0.2), 0.2)
        self.value *= 1 + error * n_steps / self.horizon
