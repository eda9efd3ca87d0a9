"""Hidden checks of the estimators' statistics on distributions with a known KL."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import estimator_scale, gaussian_kl, gaussian_log_densities, generator
from grader.checks.support import CheckFailure, Text, call, core_dtype, fmt_num, reference, tolerance

N = 200_000
SEED_PAIR = (0.5, 1.0, 0.0, 1.0)  # q = N(0.5, 1), p = N(0, 1): the seed's experiment, KL(q||p) = 0.125


# The samples are computed once, at import: the judge imports the checks before a batch forks, so every
# submission's fork inherits them instead of drawing 200,000 samples again. Never modify them.
SEED_SAMPLES = gaussian_log_densities(*SEED_PAIR, n=N, seed=101)
DIRECTION_PAIR = (0.0, 1.0, 1.0, 2.0)  # q = N(0,1), p = N(1, 2^2): KL(q||p) = 0.443, KL(p||q) = 1.307
DIRECTION_SAMPLES = gaussian_log_densities(*DIRECTION_PAIR, n=N, seed=103)
HEAVY_TAIL_SAMPLES = gaussian_log_densities(0.0, 1.0, 1.5, 1.3, n=20_000, seed=107)
SMALL_SEED_SAMPLES = gaussian_log_densities(*SEED_PAIR, n=20_000, seed=109)


def _policy_tokens() -> tuple[torch.Tensor, torch.Tensor, float]:
    """Log-probs under pi_theta and pi_ref of N tokens sampled from pi_theta, and KL(pi_theta || pi_ref)."""
    g = generator(113)
    pi = torch.log_softmax(torch.randn(8, generator=g, dtype=torch.float64), 0)
    ref = torch.log_softmax(torch.randn(8, generator=g, dtype=torch.float64), 0)
    tokens = torch.multinomial(pi.exp(), N, replacement=True, generator=g)
    return pi[tokens], ref[tokens], float((pi.exp() * (pi - ref)).sum())


POLICY_TOKENS = _policy_tokens()


def tagged(*names: str) -> list:
    return [pytest.param(n, marks=pytest.mark.exercise(n), id=n) for n in names]


def _outputs(learner, exercise: str, log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    args = [log_p, log_q] if exercise != "grpo_kl" else [log_q, log_p]
    out = call(learner, exercise, args).out.double()
    if out.shape != log_p.shape:
        raise CheckFailure("check_wrong_shape", call=f"{exercise}(...)", want=tuple(log_p.shape),
                           got=tuple(out.shape))
    return out


def _expect_mean(name: str, got: torch.Tensor, want: float, ref_std: float, why: str) -> None:
    tol = 5 * ref_std / math.sqrt(got.numel())  # five standard errors of a correct estimator
    mean = float(got.mean())
    if not abs(mean - want) <= tol:
        raise CheckFailure("check_biased_mean", name=name, n=got.numel(), got=fmt_num(mean),
                           want=fmt_num(want), tol=fmt_num(tol), why=Text(why))


@pytest.mark.parametrize("exercise", tagged("k1", "k3"))
def test_unbiased_on_gaussians(learner, exercise: str) -> None:
    log_p, log_q = SEED_SAMPLES
    got = _outputs(learner, exercise, log_p, log_q)
    ref_std = float(reference(exercise)(log_p, log_q).std())
    _expect_mean(exercise, got, gaussian_kl(*SEED_PAIR), ref_std, "why_unbiased")


@pytest.mark.parametrize("exercise", tagged("k2"))
def test_known_bias_on_gaussians(learner, exercise: str) -> None:
    log_p, log_q = SEED_SAMPLES
    got = _outputs(learner, exercise, log_p, log_q)
    # log r ~ N(-0.125, 0.25) here, so E[k2] = (0.25 + 0.125^2) / 2 = 0.1328125 (facts.md, section 1).
    ref_std = float(reference(exercise)(log_p, log_q).std())
    _expect_mean(exercise, got, (0.25 + 0.125**2) / 2, ref_std, "why_k2_bias")


@pytest.mark.parametrize("exercise", tagged("k1"))
def test_direction_with_unequal_variances(learner, exercise: str) -> None:
    """Equal-variance Gaussians cannot tell KL(q||p) from KL(p||q); q = N(0,1), p = N(1, 2^2) can."""
    log_p, log_q = DIRECTION_SAMPLES
    got = _outputs(learner, exercise, log_p, log_q)
    ref_std = float(reference(exercise)(log_p, log_q).std())
    _expect_mean(exercise, got, gaussian_kl(*DIRECTION_PAIR), ref_std, "why_unbiased")


@pytest.mark.parametrize("exercise", tagged("k2", "k3", "grpo_kl"))
def test_never_negative(learner, exercise: str) -> None:
    log_p, log_q = HEAVY_TAIL_SAMPLES
    got = _outputs(learner, exercise, log_p, log_q)
    args = (log_p, log_q) if exercise != "grpo_kl" else (log_q, log_p)
    # Rounding of exp(x) - 1 - x may dip just below 0 (in float32 arithmetic inside, which the core tier
    # accepts, by about 1e-7); a wrong formula goes far below.
    negative = got < -tolerance(core_dtype(torch.float64), torch.zeros_like(got), estimator_scale(exercise, *args))
    if bool(negative.any()):
        raise CheckFailure("check_negative", name=exercise, count=int(negative.sum()),
                           smallest=fmt_num(float(got.min())))


@pytest.mark.parametrize("exercise", tagged("k1"))
def test_takes_both_signs(learner, exercise: str) -> None:
    log_p, log_q = SMALL_SEED_SAMPLES
    got = _outputs(learner, exercise, log_p, log_q)
    if not bool((got < 0).any()) or not bool((got > 0).any()):
        raise CheckFailure("check_never_negative", name=exercise, n=got.numel(), expect=40)


@pytest.mark.parametrize("exercise", tagged("grpo_kl"))
def test_estimates_kl_policy_to_reference(learner, exercise: str) -> None:
    """Tokens sampled from pi_theta: the mean of grpo_kl is KL(pi_theta || pi_ref)."""
    pi_lp, ref_lp, exact = POLICY_TOKENS
    got = call(learner, exercise, [pi_lp, ref_lp]).out.double()
    if got.shape != pi_lp.shape:
        raise CheckFailure("check_wrong_shape", call="grpo_kl(...)", want=tuple(pi_lp.shape),
                           got=tuple(got.shape))
    ref_std = float(reference(exercise)(pi_lp, ref_lp).std())
    _expect_mean(exercise, got, exact, ref_std, "why_grpo")
