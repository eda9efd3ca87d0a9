# exercise: adaptive_kl_controller
# expect: controller_shared_state
# why: the coefficient is a class attribute: every controller continues from the last one's value
class AdaptiveKLController:
    value = None

    def __init__(self, init_kl_coef, target, horizon):
        if target <= 0 or horizon <= 0:
            raise ValueError("bad arguments")
        if AdaptiveKLController.value is None:
            AdaptiveKLController.value = init_kl_coef
        self.target, self.horizon = target, horizon

    def update(self, current_kl, n_steps):
        error = min(max(current_kl / self.target - 1, -0.2), 0.2)
        AdaptiveKLController.value *= 1 + error * n_steps / self.horizon
