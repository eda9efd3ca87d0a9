"""Hidden checks of rloo_advantages, RLOO's leave-one-out baseline (track 4)."""

from __future__ import annotations

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import call, check_device, check_result, check_unmodified, reference

pytestmark = pytest.mark.exercise("rloo_advantages")
EX = "rloo_advantages"


def scale(rewards: torch.Tensor) -> torch.Tensor:
    """The size of what a correct computation rounds: the row's sum (n terms) and the reward itself,
    magnified by n / (n - 1) (verl's form) or divided by n - 1 (the sum of the others)."""
    r = rewards.double()
    n = r.shape[-1]
    if r.numel() == 0 or n < 2:
        return torch.ones_like(r)
    return (1.0 + n * r.abs().amax(-1, keepdim=True)).expand_as(r)


def run(learner, rewards: torch.Tensor, want: torch.Tensor | None = None) -> None:
    want = reference(EX)(rewards.double()) if want is None else want
    result = call(learner, EX, [rewards])
    check_result(EX, [rewards], result, want, rewards.dtype, scale(rewards))


def test_hand_examples(learner) -> None:
    # [1, 0, 0, 0]: the others' means are 0, 1/3, 1/3, 1/3 -> [1, -1/3, -1/3, -1/3].
    # [2, 4, 6, 8]: sum 20; the others' means are 6, 16/3, 14/3, 4 -> [-4, -4/3, 4/3, 4].
    # [3, 5]: each is the other's baseline -> [-2, 2].
    t = 1.0 / 3.0
    run(learner, torch.tensor([[1.0, 0.0, 0.0, 0.0], [2.0, 4.0, 6.0, 8.0]], dtype=torch.float64),
        torch.tensor([[1.0, -t, -t, -t], [-4.0, -4 * t, 4 * t, 4.0]], dtype=torch.float64))
    run(learner, torch.tensor([[3.0, 5.0], [-1.0, -1.0]], dtype=torch.float64),
        torch.tensor([[-2.0, 2.0], [0.0, 0.0]], dtype=torch.float64))


@pytest.mark.parametrize("dtype,groups,n,kind", [
    ("float32", 1, 2, "binary"), ("float32", 4, 8, "binary"), ("float32", 3, 5, "gauss"),
    ("float32", 16, 4, "gauss"), ("float64", 5, 7, "gauss"), ("float64", 2, 16, "binary"),
    ("float64", 6, 6, "gauss"),  # square: a baseline over the wrong axis still has the right shape
], ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, groups: int, n: int, kind: str) -> None:
    dt = getattr(torch, dtype)
    g = generator(groups * 37 + n)
    if kind == "binary":  # a checker's 0/1 verdicts, each group with at least one of each
        rewards = (torch.rand(groups, n, generator=g, dtype=torch.float64) < 0.4).double()
        rewards[:, 0], rewards[:, 1] = 1.0, 0.0
    else:
        rewards = 2.0 * torch.randn(groups, n, generator=g, dtype=torch.float64) + 0.5
    run(learner, rewards.to(dt))


@pytest.mark.parametrize("n", [2, 3, 8])
def test_n_over_n_minus_one_times_the_centred_reward(learner, n: int) -> None:
    """A_rloo = n / (n - 1) (r - mean): checked against that form, computed on its own."""
    rewards = torch.randn(4, n, generator=generator(41 + n), dtype=torch.float64)
    want = n / (n - 1) * (rewards - rewards.mean(-1, keepdim=True))
    run(learner, rewards, want)


def test_large_offset(learner) -> None:
    """Rewards near 1000 with a spread of 0.01: only the spread matters, not the offset."""
    run(learner, 1000.0 + 0.01 * torch.randn(3, 8, generator=generator(43), dtype=torch.float64))


def test_single_sample_groups(learner) -> None:
    """n = 1: no other response to compare with; the advantage is 0 (verl keeps r, OpenRLHF gives NaN)."""
    run(learner, torch.tensor([[0.7], [1.0], [-3.0]], dtype=torch.float32), torch.zeros(3, 1, dtype=torch.float64))


def test_empty_batch(learner) -> None:
    """G = 0: no prompts, an empty (0, n) result."""
    run(learner, torch.zeros(0, 4, dtype=torch.float32))


def test_inputs_unmodified(learner) -> None:
    rewards = torch.randn(5, 5, generator=generator(47), dtype=torch.float64)
    check_unmodified(EX, [rewards], call(learner, EX, [rewards]))


def test_repeated_calls(learner) -> None:
    """The same shape twice with other values: nothing may be remembered between calls."""
    first = torch.randn(3, 4, generator=generator(53), dtype=torch.float64)
    run(learner, first)
    run(learner, first.flip(0) * 2.0 + 1.0)


def test_device(learner) -> None:
    """On a stand-in for a GPU: the result stays on the inputs' device."""
    check_device(learner, EX, [torch.zeros(3, 4)], (3, 4), torch.float32)
