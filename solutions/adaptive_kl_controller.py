"""Reference solution: the adaptive KL controller of the lm-human-preferences code (Ziegler et al. 2019), as verl
(verl-project/verl 1dda039) and OpenRLHF (3c3be62) keep it; TRL removed its copy in Dec 2024 (PR #2480)."""


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
