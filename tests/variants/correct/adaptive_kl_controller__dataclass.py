# exercise: adaptive_kl_controller
from dataclasses import dataclass


@dataclass
class AdaptiveKLController:
    value: float
    target: float
    horizon: float

    def __post_init__(self):
        if self.target <= 0 or self.horizon <= 0:
            raise ValueError("target and horizon must be > 0")

    def update(self, current_kl: float, n_steps: int) -> None:
        error = max(-0.2, min(0.2, current_kl / self.target - 1))
        self.value *= 1 + error * n_steps / self.horizon
