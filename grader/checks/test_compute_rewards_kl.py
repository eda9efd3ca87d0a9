"""Hidden checks of compute_rewards_kl, PPO's KL-shaped per-token reward."""

from __future__ import annotations

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import call, check_result, check_unmodified, reference

pytestmark = pytest.mark.exercise("compute_rewards_kl")
EX = "compute_rewards_kl"


def make(batch: int, length: int, kl_ctl: float, dtype: torch.dtype, seed: int) -> list:
    g = generator(seed)
    reward = torch.randn(batch, 1, generator=g, dtype=torch.float64) * 2
    ref = -6 * torch.rand(batch, length, generator=g, dtype=torch.float64)
    old = (ref + 0.5 * torch.randn(batch, length, generator=g, dtype=torch.float64)).clamp(max=0.0)
    return [reward.to(dtype), ref.to(dtype), old.to(dtype), kl_ctl]


def scale(args: list) -> torch.Tensor:
    reward, ref, old, kl_ctl = args
    return 1.0 + abs(kl_ctl) * (ref.double().abs() + old.double().abs()) + reward.double().abs()


def run(learner, args: list, dtype: torch.dtype, want: torch.Tensor | None = None) -> None:
    if want is None:
        reward, ref, old, kl_ctl = args
        want = reference(EX)(reward.double(), ref.double(), old.double(), kl_ctl)
    result = call(learner, EX, args)
    check_result(EX, args, result, want, dtype, scale(args))


def test_hand_examples(learner) -> None:
    # The docstring's example, then a B=2, T=3 case worked by hand:
    # kl = old - ref = [[-0.5, 0, 1], [0, -0.5, 0.5]]; -0.2 * kl = [[0.1, 0, -0.2], [0, 0.1, -0.1]];
    # the scores 1.0 and -0.5 land on the last column.
    t = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731
    run(learner, [t([[1.0]]), t([[-1.0, -1.0]]), t([[-0.5, -2.0]]), 0.1], torch.float64,
        t([[-0.05, 1.1]]))
    run(learner, [t([[1.0], [-0.5]]), t([[-1.0, -2.0, -3.0], [-0.5, -0.5, -0.5]]),
                  t([[-1.5, -2.0, -2.0], [-0.5, -1.0, 0.0]]), 0.2], torch.float64,
        t([[0.1, 0.0, 0.8], [0.0, 0.1, -0.6]]))


@pytest.mark.parametrize("dtype,batch,length,kl_ctl", [
    ("float32", 1, 1, 0.1), ("float32", 2, 5, 0.05), ("float32", 4, 3, 1.0), ("float32", 3, 1, 0.5),
    ("float64", 2, 7, 0.3), ("bfloat16", 2, 4, 0.1),
], ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, batch: int, length: int, kl_ctl: float) -> None:
    dt = getattr(torch, dtype)
    run(learner, make(batch, length, kl_ctl, dt, seed=batch * 10 + length), dt)


def test_kl_coefficient_zero(learner) -> None:
    """kl_ctl = 0: no KL penalty at all, only the score on the last token."""
    args = make(3, 4, 0.0, torch.float32, seed=41)
    want = torch.zeros(3, 4, dtype=torch.float64)
    want[:, -1] = args[0][:, 0].double()
    run(learner, args, torch.float32, want)


def test_score_only_on_last_token(learner) -> None:
    """Identical policies: the KL part vanishes, so the score alone shows where it landed."""
    reward, ref, _, _ = make(4, 5, 0.1, torch.float64, seed=43)
    args = [reward, ref, ref.clone(), 0.1]
    want = torch.zeros(4, 5, dtype=torch.float64)
    want[:, -1] = reward[:, 0]
    run(learner, args, torch.float64, want)


def test_inputs_unmodified(learner) -> None:
    args = make(3, 6, 0.2, torch.float64, seed=47)
    check_unmodified(EX, args, call(learner, EX, args))
