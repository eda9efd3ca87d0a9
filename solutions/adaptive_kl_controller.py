"""Reference solution: the adaptive KL controller of Ziegler et al. 2019 (as in TRL, OpenRLHF and verl)."""


class AdaptiveKLController:
    def __init__(self, init_kl_coef: float, target: float, horizon: float) -> None:
        if not target > 0:  # (also refuses NaN)
            raise ValueError(f"target must be > 0, got {target}")
        if not horizon > 0:
            raise ValueError(f"horizon must be > 0, got {horizon}")
        self.value = init_kl_coef
        self.target = target
        self.horizon = horizon

    def update(self, current_kl: float, n_steps: int) -> None:
        # A proportional controller on log(value), its error clipped so one noisy KL cannot swing it.
        error = min(max(current_kl / self.target - 1.0, -0.2), 0.2)
        self.value *= 1.0 + error * n_steps / self.horizon
