"""Hidden checks of grpo_advantages, GRPO's group-relative advantage (track 2)."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import call, check_device, check_result, check_unmodified, reference

pytestmark = pytest.mark.exercise("grpo_advantages")
EX = "grpo_advantages"


def scale(rewards: torch.Tensor, eps: float) -> torch.Tensor:
    """The size of what a correct computation rounds: the rewards and the mean are summed (n terms)
    before the division by std + eps, so their rounding is magnified by n |r| / (std + eps)."""
    r = rewards.double()
    n = r.shape[-1]
    if r.numel() == 0 or n < 2:
        return torch.ones_like(r)
    spread = r.std(-1, keepdim=True)
    magnified = 1.0 + n * r.abs().amax(-1, keepdim=True) / (spread + eps)
    # Equal rewards (spread 0) have an exact mean here (the contract's values): exactly 0 is expected.
    return torch.where(spread > 0, magnified, torch.ones_like(magnified))


# The eps frameworks hard-code (TRL 1e-4, OpenRLHF 1e-9) instead of the argument: on ordinary rewards it
# moves an advantage A by at most |A| * 1e-4 / (std + eps). The core tier allows that much; the eps as
# given is the convention `eps` (test_eps_as_given).
FRAMEWORK_EPS = 1e-4


def eps_slack(rewards: torch.Tensor, scale_: bool, eps: float, want: torch.Tensor) -> torch.Tensor:
    """How far an advantage moves when an eps in [0, max(1e-4, eps)] replaces ``eps``: |A| |eps' - eps| / std
    at most (0 where the std is 0: A is 0 whatever the eps)."""
    r = rewards.double()
    if not scale_ or r.numel() == 0 or r.shape[-1] < 2:
        return torch.zeros_like(want)
    std = r.std(-1, keepdim=True)
    return torch.where(std > 0, want.abs() * max(FRAMEWORK_EPS, eps) / std.clamp(min=1e-300), torch.zeros_like(want))


def run(learner, rewards: torch.Tensor, scale_: bool = True, eps: float = 1e-6,
        want: torch.Tensor | None = None) -> None:
    args = [rewards, scale_, eps]
    want = reference(EX)(rewards.double(), scale_, eps) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, rewards.dtype, scale(rewards, eps),
                 slack=eps_slack(rewards, scale_, eps, want), slack_for="eps")


def binary(groups: int, n: int, seed: int, dtype: torch.dtype) -> torch.Tensor:
    """0/1 rewards (a checker's verdict), each group with at least one of each."""
    r = (torch.rand(groups, n, generator=generator(seed), dtype=torch.float64) < 0.4).double()
    if n > 1:
        r[:, 0], r[:, 1] = 1.0, 0.0
    return r.to(dtype)


def test_hand_examples(learner) -> None:
    # [1, 0, 1, 0]: mean 0.5, Bessel std sqrt(4 * 0.25 / 3) = 1/sqrt(3); A = +-0.5 sqrt(3).
    # [2, 4, 6, 8]: mean 5, std sqrt(20 / 3); A = [-3, -1, 1, 3] / sqrt(20 / 3).
    h = 0.5 * math.sqrt(3.0)
    s = math.sqrt(20.0 / 3.0)
    rewards = torch.tensor([[1.0, 0.0, 1.0, 0.0], [2.0, 4.0, 6.0, 8.0]], dtype=torch.float64)
    want = torch.tensor([[h, -h, h, -h], [-3 / s, -1 / s, 1 / s, 3 / s]], dtype=torch.float64)
    run(learner, rewards, True, 0.0, want)
    run(learner, rewards, False, 1e-6, torch.tensor([[0.5, -0.5, 0.5, -0.5], [-3.0, -1.0, 1.0, 3.0]],
                                                    dtype=torch.float64))


@pytest.mark.parametrize("dtype,groups,n,kind", [
    ("float32", 1, 2, "binary"), ("float32", 4, 8, "binary"), ("float32", 3, 5, "gauss"),
    ("float32", 16, 4, "gauss"), ("float64", 5, 7, "gauss"), ("float64", 2, 16, "binary"),
    ("float64", 6, 6, "gauss"),  # square: statistics over the wrong axis still have the right shape
], ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, groups: int, n: int, kind: str) -> None:
    dt = getattr(torch, dtype)
    if kind == "binary":
        rewards = binary(groups, n, seed=groups * 31 + n, dtype=dt)
    else:
        rewards = (2.0 * torch.randn(groups, n, generator=generator(groups * 17 + n), dtype=torch.float64)
                   + 0.5).to(dt)
    run(learner, rewards)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_without_scaling(learner, dtype: str) -> None:
    """scale=False (Dr. GRPO): the rewards minus their group's mean, nothing divided."""
    rewards = (torch.randn(4, 6, generator=generator(7), dtype=torch.float64) * 3).to(getattr(torch, dtype))
    run(learner, rewards, False)


@pytest.mark.parametrize("eps", [0.5, 0.0, 1e-4])
def test_eps_as_given(learner, eps: float) -> None:
    """eps is added to the std, outside the square root: at eps = 0.5 and small spreads the places
    it could go (inside the sqrt, on the numerator, after the division) differ a lot."""
    g = generator(13)
    rewards = torch.cat([0.2 * torch.randn(3, 5, generator=g, dtype=torch.float64),
                         torch.tensor([[1.0, 0.0, 0.0, 0.0, 0.0]], dtype=torch.float64)])
    run(learner, rewards, True, eps)
    run(learner, rewards.float(), True, eps)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_equal_rewards_give_zero(learner, dtype: str) -> None:
    """A group whose rewards are all equal carries no signal: exactly 0, never NaN (values whose mean is
    exact, as the contract says), next to ordinary groups."""
    rewards = torch.tensor([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 1.0],
                            [-2.5, -2.5, -2.5, -2.5]], dtype=getattr(torch, dtype))
    run(learner, rewards)
    run(learner, rewards, False)


@pytest.mark.parametrize("scale_", [True, False])
def test_single_sample_groups(learner, scale_: bool) -> None:
    """n = 1: no std exists (torch.std gives NaN); the advantage is 0."""
    rewards = torch.tensor([[0.7], [1.0], [-3.0]], dtype=torch.float32)
    run(learner, rewards, scale_, 1e-6, torch.zeros(3, 1, dtype=torch.float64))


def test_large_offset(learner) -> None:
    """Rewards near 1000 with a spread of 0.01: only the spread matters, not the offset."""
    rewards = 1000.0 + 0.01 * torch.randn(3, 8, generator=generator(19), dtype=torch.float64)
    run(learner, rewards)


def test_empty_batch(learner) -> None:
    """G = 0: no prompts, an empty (0, n) result."""
    run(learner, torch.zeros(0, 4, dtype=torch.float32))


def test_inputs_unmodified(learner) -> None:
    rewards = torch.randn(5, 5, generator=generator(23), dtype=torch.float64)
    args = [rewards, True, 1e-6]
    check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    """The same shape twice with other values: nothing may be remembered between calls."""
    first = torch.randn(3, 4, generator=generator(29), dtype=torch.float64)
    run(learner, first)
    run(learner, first.flip(0) * 2.0 + 1.0)


def test_device(learner) -> None:
    """On the meta device (no data, GPU-free): the result stays on the inputs' device."""
    check_device(learner, EX, [torch.zeros(3, 4), True, 1e-6], (3, 4), torch.float32)
