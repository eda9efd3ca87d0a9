"""Deterministic inputs for the hidden checks: every generator is seeded, so a submission always gets
the same verdict."""

from __future__ import annotations

import math

import torch

ESTIMATORS = ("k1", "k2", "k3", "grpo_kl")


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def log_ratio(exercise: str, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """log r for the exercise's argument order: k1..k3 take (log_p, log_q); grpo_kl (pi, ref)."""
    return b - a if exercise == "grpo_kl" else a - b


def estimator_args(exercise: str, shape: tuple, seed: int, lo: float = -3.0, hi: float = 2.0,
                   center: float = -2.0) -> tuple[torch.Tensor, torch.Tensor]:
    """float64 inputs of one shape whose log-ratio lies in [lo, hi], in the exercise's argument order."""
    g = generator(seed)
    lr = lo + (hi - lo) * torch.rand(shape, generator=g, dtype=torch.float64)
    if exercise == "grpo_kl":  # (pi_logprob, pi_ref_logprob): log-probabilities, both <= 0
        pi = -(0.05 + 6.0 * torch.rand(shape, generator=g, dtype=torch.float64)) + center + 2.0
        pi = pi.clamp(max=-0.01)
        return pi, (pi + lr).clamp(max=0.0)
    log_q = center + 1.5 * torch.randn(shape, generator=g, dtype=torch.float64)
    return log_q + lr, log_q


def lr_args(exercise: str, lr: list[float], dtype: torch.dtype = torch.float64) -> list[torch.Tensor]:
    """Estimator inputs whose log-ratios are ``lr`` (the larger log-prob -0.5, the other -0.5 - |log r|:
    exactly representable wherever ``lr`` is), in the exercise's argument order."""
    r = torch.tensor(lr, dtype=torch.float64)
    hi = torch.full_like(r, -0.5)
    p_side, q_side = torch.where(r >= 0, hi, hi - r.abs()), torch.where(r >= 0, hi - r.abs(), hi)
    args = [q_side, p_side] if exercise == "grpo_kl" else [p_side, q_side]
    return [a.to(dtype) for a in args]


def broadcast_args(exercise: str, shape_a: tuple, shape_b: tuple, seed: int
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """Independent float64 inputs of two broadcastable shapes (log-ratios roughly N(0, 1))."""
    g = generator(seed)
    a = -2.0 + 0.7 * torch.randn(shape_a, generator=g, dtype=torch.float64)
    b = -2.0 + 0.7 * torch.randn(shape_b, generator=g, dtype=torch.float64)
    if exercise == "grpo_kl":
        return -a.abs(), -b.abs()
    return a, b


def estimator_scale(exercise: str, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The size of the intermediate terms a correct float computation rounds (for tolerances)."""
    a, b = a.double(), b.double()
    base = a.abs() + b.abs()
    if exercise in ("k1", "k2"):
        return 1.0 + base
    lr = log_ratio(exercise, a, b)
    return 1.0 + base + lr.exp() * (1.0 + lr.abs())


def gaussian_log_densities(mean_q: float, std_q: float, mean_p: float, std_p: float, n: int,
                           seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(log p(x), log q(x)) for n samples x ~ q = N(mean_q, std_q^2), in float64."""
    x = mean_q + std_q * torch.randn(n, generator=generator(seed), dtype=torch.float64)

    def log_normal(mean: float, std: float) -> torch.Tensor:
        return -0.5 * ((x - mean) / std) ** 2 - math.log(std) - 0.5 * math.log(2 * math.pi)

    return log_normal(mean_p, std_p), log_normal(mean_q, std_q)


def gaussian_kl(mean_q: float, std_q: float, mean_p: float, std_p: float) -> float:
    """KL(q || p) for q = N(mean_q, std_q^2), p = N(mean_p, std_p^2)."""
    return math.log(std_p / std_q) + (std_q**2 + (mean_q - mean_p) ** 2) / (2 * std_p**2) - 0.5
