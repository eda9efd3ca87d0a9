# exercise: adaptive_kl_controller
import torch


class AdaptiveKLController:
    """The coefficient kept as a 0-d float64 tensor (e.g. to live on a device)."""

    def __init__(self, init_kl_coef, target, horizon):
        if target <= 0:
            raise ValueError("target must be positive")
        if horizon <= 0:
            raise ValueError("horizon must be positive")
        self.value = torch.tensor(float(init_kl_coef), dtype=torch.float64)
        self.target, self.horizon = target, horizon

    def update(self, current_kl, n_steps):
        err = torch.clamp(torch.tensor(current_kl / self.target - 1, dtype=torch.float64), -0.2, 0.2)
        self.value = self.value * (1 + err * n_steps / self.horizon)
