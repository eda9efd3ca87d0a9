"""Hidden checks of masked_rewards_kl: PPO's KL-shaped reward over right-padded responses."""

from __future__ import annotations

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.multi import check_device_parts, what
from grader.checks.support import (CheckFailure, LearnerError, Text, call, check_result, check_unmodified,
                                   close_at_core, describe_call, miss, reference)

pytestmark = pytest.mark.exercise("masked_rewards_kl")
EX = "masked_rewards_kl"


def make(lengths: list[int], length: int, kl_ctl: float, dtype: torch.dtype, seed: int,
         padding: float = 5.0) -> list:
    """Right-padded rows of the given lengths; at padding, finite log-probs far from the real ones (a
    penalty or a score that leaks there shows)."""
    g = generator(seed)
    batch = len(lengths)
    reward = torch.randn(batch, 1, generator=g, dtype=torch.float64) * 2 + 0.5
    ref = -6 * torch.rand(batch, length, generator=g, dtype=torch.float64)
    old = (ref + 0.5 * torch.randn(batch, length, generator=g, dtype=torch.float64)).clamp(max=0.0)
    mask = (torch.arange(length)[None, :] < torch.tensor(lengths, dtype=torch.long)[:, None]).to(torch.float64)
    junk = -padding * torch.rand(batch, length, generator=g, dtype=torch.float64)
    ref = torch.where(mask > 0, ref, junk)
    old = torch.where(mask > 0, old, junk.flip(1) - padding)
    return [reward.to(dtype), ref.to(dtype), old.to(dtype), mask.to(dtype), kl_ctl]


def scale(args: list) -> torch.Tensor:
    reward, ref, old, mask, kl_ctl = args
    return 1.0 + abs(float(kl_ctl)) * (ref.double().abs() + old.double().abs()) + reward.double().abs()


def expected(args: list) -> torch.Tensor:
    return reference(EX)(*[a.double() if isinstance(a, torch.Tensor) else a for a in args])


def run(learner, args: list, want: torch.Tensor | None = None, again: bool = False) -> None:
    want = expected(args) if want is None else want
    result = call(learner, EX, args)
    dtype = args[1].dtype
    past = one_past(args, want)
    exempt = None
    if not close_at_core(args, result.out, want, dtype, scale(args)) and close_at_core(
            args, result.out, past, dtype, scale(args)):
        # TRL's PPO places the score one past the last real token: the maths of the penalty is right.
        miss("score_position", Text("check_score_one_past", call=describe_call(EX, args)))
        want, exempt = past, past != want
    check_result(EX, args, result, want, dtype, scale(args), what(EX, None, again=True) if again else "")
    check_padding(args, result.out, exempt)


def one_past(args: list, want: torch.Tensor) -> torch.Tensor:
    """``want`` with each score moved one past the row's last real token where there is room (TRL's PPO:
    ``actual_end = where(sequence_lengths_p1 < T, sequence_lengths_p1, sequence_lengths)``)."""
    reward, mask = args[0].double(), args[3].double()
    out = want.clone()
    length = out.shape[1]
    for i, n in enumerate(mask.sum(1).long().tolist()):
        if 0 < n < length:
            out[i, n - 1] -= reward[i, 0]
            out[i, n] += reward[i, 0]
    return out


def check_padding(args: list, out: torch.Tensor, exempt: torch.Tensor | None = None) -> None:
    """Padding positions are exactly 0 (not only within the tolerance): nothing may leak there (but the
    score one past the end, where a result follows TRL's placement)."""
    mask = args[3]
    leaked = (mask == 0) & (out != 0)
    if exempt is not None:
        leaked &= ~exempt
    if bool(leaked.any()):
        i, j = (int(v) for v in leaked.nonzero()[0])
        raise CheckFailure("check_padding_not_zero", call=describe_call(EX, args), index=(i, j),
                           got=f"{float(out[i, j]):.6g}", count=int(leaked.sum()))


def test_hand_examples(learner) -> None:
    # The docstring's example: row 0 has 2 real tokens (the score on column 1, column 2 exactly 0); row 1 is
    # full (the score on the last column). (A row with no real token: test_empty_rows.)
    t = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731
    run(learner, [t([[1.0], [2.0]]), t([[-1.0, -1.0, -1.0], [-1.0, -1.0, -1.0]]),
                  t([[-0.5, -2.0, -7.0], [-2.0, -1.5, -0.5]]), t([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]), 0.1],
        t([[-0.05, 1.1, 0.0], [0.1, 0.05, 1.95]]))


@pytest.mark.parametrize("dtype,lengths,length,kl_ctl", [
    ("float32", [5, 3, 1, 4], 5, 0.1), ("float32", [2, 7, 1, 7, 6], 7, 0.05), ("float64", [1, 1, 1], 1, 0.3),
    ("float64", [6, 2, 3], 6, 1.0), ("float32", [4, 4], 4, 0.2), ("bfloat16", [3, 1, 4], 4, 0.1),
    ("float16", [2, 5, 3], 5, 0.1),
], ids=lambda v: str(v).replace(" ", ""))
def test_matches_reference(learner, dtype: str, lengths: list, length: int, kl_ctl: float) -> None:
    dt = getattr(torch, dtype)
    run(learner, make(lengths, length, kl_ctl, dt, seed=sum(lengths) * 3 + length))


@pytest.mark.parametrize("dtype,lengths,length,kl_ctl", [
    ("float32", [2, 7, 0, 7, 6], 7, 0.05), ("float64", [6, 0, 3], 6, 1.0), ("float16", [2, 5, 0], 5, 0.1),
], ids=lambda v: str(v).replace(" ", ""))
def test_empty_rows(learner, dtype: str, lengths: list, length: int, kl_ctl: float) -> None:
    """Rows without a real token among ordinary ones: all zeros there, no penalty and no score (TRL's PPO
    scores such a row at column 0)."""
    dt = getattr(torch, dtype)
    run(learner, make(lengths, length, kl_ctl, dt, seed=sum(lengths) * 3 + length))
    t = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731
    run(learner, [t([[3.0], [-1.0]]), t([[-1.0, -2.0], [-0.5, -4.0]]), t([[-3.0, -1.0], [-0.5, -9.0]]),
                  t([[0.0, 0.0], [1.0, 0.0]]), 0.5],
        t([[0.0, 0.0], [-1.0, 0.0]]))


def test_no_real_token_anywhere(learner) -> None:
    """Every row empty (a batch of truncated-to-nothing responses): all zeros, no score."""
    args = make([0, 0, 0], 4, 0.2, torch.float32, seed=41)
    run(learner, args, torch.zeros(3, 4, dtype=torch.float64))


def test_score_only_on_the_last_real_token(learner) -> None:
    """Identical policies on the real tokens: the penalty vanishes, so the score alone shows where it went."""
    reward, ref, old, mask, _ = make([3, 5, 1, 2], 5, 0.1, torch.float64, seed=43)
    old = torch.where(mask > 0, ref, old)
    want = torch.zeros(4, 5, dtype=torch.float64)
    for i, n in enumerate([3, 5, 1, 2]):
        want[i, n - 1] = reward[i, 0]
    run(learner, [reward, ref, old, mask, 0.1], want)


def test_kl_coefficient_zero(learner) -> None:
    args = make([2, 4, 1], 4, 0.0, torch.float32, seed=45)
    want = torch.zeros(3, 4, dtype=torch.float64)
    want[0, 1], want[1, 3], want[2, 0] = float(args[0][0, 0]), float(args[0][1, 0]), float(args[0][2, 0])
    run(learner, args, want)


def test_large_padding_values(learner) -> None:
    """Log-probs of -1e4 at padding (finite): the result there is still exactly 0."""
    run(learner, make([1, 3, 2, 2], 4, 0.3, torch.float32, seed=47, padding=1e4))


def test_empty_batch(learner) -> None:
    run(learner, make([], 4, 0.1, torch.float32, seed=49))


def test_no_positions(learner) -> None:
    """T = 0: no position for a score. A (B, 0) result is right; raising is accepted (nowhere to put it)."""
    args = make([0, 0], 0, 0.1, torch.float32, seed=51)
    try:
        result = learner.call(EX, list(args))
    except LearnerError as exc:
        if exc.kind == "exception" and exc.detail.get("type") not in ("NotATensor", "TensorSubclass",
                                                                       "NotImplementedError"):
            return
        result = call(learner, EX, args)
    check_result(EX, args, result, torch.zeros(2, 0, dtype=torch.float64), torch.float32, scale(args))


def test_inputs_unmodified_square(learner) -> None:
    """B = T: an in-place transpose keeps the shape; only the strides show it."""
    args = make([4, 2, 1, 3], 4, 0.2, torch.float64, seed=53)
    check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    """The same shapes twice, the rows (and their lengths) in another order, another kl_ctl."""
    reward, ref, old, mask, _ = make([5, 2, 1, 4], 5, 0.1, torch.float64, seed=55)
    rows = torch.tensor([3, 0, 1, 2])
    run(learner, [reward, ref, old, mask, 0.1])
    run(learner, [reward[rows] + 0.5, ref[rows], old[rows] - 0.25, mask[rows], 0.35], again=True)


def test_device(learner) -> None:
    check_device_parts(learner, EX, make([3, 1, 4], 4, 0.1, torch.float32, seed=57), [(3, 4)], torch.float32)
