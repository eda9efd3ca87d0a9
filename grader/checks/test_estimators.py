"""Hidden checks shared by the element-wise estimators: k1, k2, k3 and grpo_kl."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import ESTIMATORS, broadcast_args, estimator_args, estimator_scale, generator
from grader.checks.support import (CheckFailure, Text, call, check_result, check_values, describe_call,
                                   reference, reference_with_grads)
from grader.exercises import get as meta


def per_exercise(*values: tuple) -> list:
    """Parametrize over (exercise, *rest), tagging each case with its exercise."""
    return [pytest.param(*v, marks=pytest.mark.exercise(v[0]), id="-".join(map(str, v))) for v in values]


E = math.e
HAND = {
    # exercise: (args, expected), computed by hand from the formulas in the exercise docstrings.
    "k1": ([[-1.0, -2.0, 0.0], [-1.5, -1.0, 0.0]], [-0.5, 1.0, 0.0]),
    "k2": ([[-1.0, -2.0, 0.0], [-1.5, -1.0, 0.0]], [0.125, 0.5, 0.0]),
    "k3": ([[0.0, -1.0, 1.0], [0.0, 0.0, 0.0]], [0.0, 1 / E, E - 2]),
    "grpo_kl": ([[-1.0, -2.0, -1.0], [-1.0, -1.0, -2.0]], [0.0, E - 2, 1 / E]),
}


@pytest.mark.parametrize("exercise", per_exercise(*[(e,) for e in ESTIMATORS]))
def test_hand_examples(learner, exercise: str) -> None:
    (a, b), want = HAND[exercise]
    args = [torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)]
    result = call(learner, exercise, args)
    check_result(exercise, args, result, torch.tensor(want, dtype=torch.float64), torch.float64,
                 estimator_scale(exercise, *args))


CASES = [(dtype, shape) for dtype, shape in [
    ("float32", ()), ("float32", (7,)), ("float32", (3, 4)), ("float32", (2, 3, 5)),
    ("float64", (4, 6)), ("bfloat16", (4, 6)),
]]


@pytest.mark.parametrize("exercise,dtype,shape",
                         per_exercise(*[(e, d, s) for e in ESTIMATORS for d, s in CASES]))
def test_matches_reference(learner, exercise: str, dtype: str, shape: tuple) -> None:
    dt = getattr(torch, dtype)
    a, b = estimator_args(exercise, shape, seed=11 + len(shape))
    args = [a.to(dt), b.to(dt)]
    want = reference(exercise)(args[0].double(), args[1].double())
    result = call(learner, exercise, args)
    check_result(exercise, args, result, want, dt, estimator_scale(exercise, *args))


@pytest.mark.parametrize("exercise,shapes", per_exercise(
    *[(e, s) for e in ESTIMATORS for s in ("(3,1)x(1,4)", "(4,)x(2,4)", "()x(5,)")]))
def test_broadcasting(learner, exercise: str, shapes: str) -> None:
    shape_a, shape_b = (eval(s) for s in shapes.split("x"))  # our own literal tuples
    a, b = broadcast_args(exercise, shape_a, shape_b, seed=5)
    args = [a.float(), b.float()]
    want = reference(exercise)(args[0].double(), args[1].double())
    result = call(learner, exercise, args)
    check_result(exercise, args, result, want, torch.float32, estimator_scale(exercise, *args))


# Which inputs the gradient must reach: both for k1..k3; for grpo_kl only the policy's log-probs, since
# the reference model's come from a frozen model (often under no_grad) and detaching them is fine.
GRAD_INPUTS = {"k1": [True, True], "k2": [True, True], "k3": [True, True], "grpo_kl": [True, False]}


@pytest.mark.parametrize("exercise", per_exercise(*[(e,) for e in ESTIMATORS]))
def test_gradients(learner, exercise: str) -> None:
    args = list(estimator_args(exercise, (3, 4), seed=23))
    grad_output = torch.randn(3, 4, generator=generator(29), dtype=torch.float64)
    flags = GRAD_INPUTS[exercise]
    want, want_grads = reference_with_grads(exercise, args, flags, grad_output)
    result = call(learner, exercise, args, grad=flags, grad_output=grad_output)
    check_result(exercise, args, result, want, torch.float64, estimator_scale(exercise, *args))
    names = [n for n, flag in zip(meta(exercise).args, flags) if flag]
    for name, got, expected in zip(names, result.grads, want_grads):
        if got is None:
            raise CheckFailure("check_no_grad", call=describe_call(exercise, args), arg=name)
        if tuple(got.shape) != tuple(expected.shape):
            raise CheckFailure("check_wrong_grad_shape", arg=name, want=tuple(expected.shape),
                               got=tuple(got.shape))
        check_values(exercise, args, got, expected, torch.float64, estimator_scale(exercise, *args),
                     what=Text("grad_of", arg=name))


@pytest.mark.parametrize("exercise", per_exercise(*[(e,) for e in ESTIMATORS]))
def test_very_negative_log_probs(learner, exercise: str) -> None:
    """Log-densities near -100 in float32: exp of each alone underflows; exp of the difference does not."""
    a, b = estimator_args(exercise, (64,), seed=31, center=-100.0)
    args = [a.float(), b.float()]
    want = reference(exercise)(args[0].double(), args[1].double())
    result = call(learner, exercise, args)
    check_result(exercise, args, result, want, torch.float32, estimator_scale(exercise, *args))


@pytest.mark.parametrize("exercise", per_exercise(*[(e,) for e in ESTIMATORS]))
def test_wide_log_ratios(learner, exercise: str) -> None:
    """log r from -8 to 8: no clamping, no approximation that only holds near r = 1."""
    lr = torch.linspace(-8.0, 8.0, 33, dtype=torch.float64)
    if exercise == "grpo_kl":
        pi = torch.full_like(lr, -9.0)
        args = [pi, pi + lr]
    else:
        log_q = torch.full_like(lr, -3.0)
        args = [log_q + lr, log_q]
    want = reference(exercise)(*args)
    result = call(learner, exercise, args)
    check_result(exercise, args, result, want, torch.float64, estimator_scale(exercise, *args))
