"""Hidden checks of compute_rewards_kl, PPO's KL-shaped per-token reward."""

from __future__ import annotations

import pytest
import torch

import math

from grader.checks.inputs import generator
from grader.checks.support import (LearnerError, Text, call, check_device, check_result,
                                   check_unmodified, reference)

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
    return 1.0 + abs(float(kl_ctl)) * (ref.double().abs() + old.double().abs()) + reward.double().abs()


def expected(args: list) -> torch.Tensor:
    """The reference on the inputs in float64 (kl_ctl as given: a Python number or a 0-d tensor)."""
    reward, ref, old, kl_ctl = args
    return reference(EX)(reward.double(), ref.double(), old.double(), kl_ctl)


def result_dtype(args: list) -> torch.dtype:
    """The log-probs' dtype, promoted with each other (not with the reward, nor with a 0-d kl_ctl)."""
    return torch.promote_types(args[1].dtype, args[2].dtype)


def run(learner, args: list, dtype: torch.dtype | None = None, want: torch.Tensor | None = None,
        what: object = "") -> None:
    want = expected(args) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, dtype or result_dtype(args), scale(args), what)


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


def test_inputs_unmodified_square(learner) -> None:
    """B = T, so transposing an input in place (t_()) keeps its shape: only its strides show it."""
    args = make(4, 4, 0.2, torch.float64, seed=49)
    check_unmodified(EX, args, call(learner, EX, args))


@pytest.mark.parametrize("dtypes", ["reward=float64,logprobs=float32", "reward=bfloat16,logprobs=float32",
                                    "ref=float32,old=float64"])
def test_mixed_dtypes(learner, dtypes: str) -> None:
    """The result has the log-probs' dtype (promoted with each other); a wider reward does not widen it."""
    d = dict(part.split("=") for part in dtypes.split(","))
    reward, ref, old, kl_ctl = make(3, 4, 0.2, torch.float64, seed=51)
    reward = reward.to(getattr(torch, d.get("reward", "float32")))
    ref = ref.to(getattr(torch, d.get("logprobs", d.get("ref", "float32"))))
    old = old.to(getattr(torch, d.get("logprobs", d.get("old", "float32"))))
    run(learner, [reward, ref, old, kl_ctl])


@pytest.mark.parametrize("kind", ["int", "float32-0d", "float64-0d-float32-inputs", "negative"])
def test_kl_ctl_kinds(learner, kind: str) -> None:
    """kl_ctl may be any real Python number or a 0-d tensor; a 0-d tensor does not change the result's
    dtype (torch's promotion rules for a dimensioned tensor), and its value is used exactly."""
    dtype = torch.float32 if kind.endswith("float32-inputs") else torch.float64
    reward, ref, old, _ = make(3, 5, 0.0, dtype, seed=53)
    kl_ctl = {"int": 2, "float32-0d": torch.tensor(0.3, dtype=torch.float32),
              "float64-0d-float32-inputs": torch.tensor(0.3, dtype=torch.float64), "negative": -0.7}[kind]
    run(learner, [reward, ref, old, kl_ctl])


def test_empty_batch(learner) -> None:
    """B = 0: no sequences, an empty (0, T) result."""
    run(learner, make(0, 4, 0.1, torch.float32, seed=55))


def test_no_tokens(learner) -> None:
    """T = 0: there is no last token for the score. An empty (B, 0) result is right; raising an error is
    accepted too (the score has nowhere to go), but not another shape, nor a modified input."""
    args = make(3, 0, 0.1, torch.float32, seed=57)
    try:
        result = learner.call(EX, list(args))
    except LearnerError as exc:
        if exc.kind == "exception" and exc.detail.get("type") not in ("NotATensor", "TensorSubclass",
                                                                       "NotImplementedError"):
            return  # e.g. IndexError from rewards[:, -1]: accepted at T = 0
        result = call(learner, EX, args)  # the same failure, worded as every check words it
    check_result(EX, args, result, torch.zeros(3, 0, dtype=torch.float64), torch.float32, scale(args))


@pytest.mark.parametrize("dtype", ["float64", "float32", "bfloat16", "float16"])
def test_extremes(learner, dtype: str) -> None:
    """Log-probs from 0 down to -1e4 and -inf (a token the reference model rules out), in every dtype:
    the penalty follows IEEE arithmetic (-kl_ctl * inf = -inf), no clamping, no nan_to_num."""
    dt = getattr(torch, dtype)
    reward = torch.tensor([[1.5], [-2.0], [1e3]], dtype=torch.float64)
    ref = torch.tensor([[-0.5, -1e4, -3.0, -math.inf], [0.0, -20.0, -1e-3, -7.0], [-1e3, -0.25, -math.inf, -2.0]],
                       dtype=torch.float64)
    old = torch.tensor([[-1e4, -0.5, -3.0, -1.0], [-1e-3, -0.0, -50.0, -7.5], [-2.0, -1e3, -0.5, -0.125]],
                       dtype=torch.float64)
    run(learner, [reward.to(dt), ref.to(dt), old.to(dt), 0.05])


def test_repeated_calls(learner) -> None:
    """Two calls with the same shapes: the second on the first's rows in another order, other values and
    another kl_ctl. A function that keeps state across calls (a cached reward, say) gets one wrong."""
    reward, ref, old, _ = make(4, 5, 0.1, torch.float64, seed=59)
    rows = torch.tensor([2, 0, 3, 1])
    first = [reward, ref, old, 0.1]
    second = [reward[rows] + 0.5, ref[rows] - 0.25, old[rows], 0.35]
    for n, args in enumerate((first, second)):
        run(learner, args, what=Text("called_again", function=EX) if n else "")


def test_device(learner) -> None:
    """On the meta device (no data, GPU-free): the result stays on the inputs' device."""
    args = make(3, 4, 0.1, torch.float32, seed=61)
    check_device(learner, EX, args, (3, 4), torch.float32)
