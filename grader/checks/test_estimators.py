"""Hidden checks shared by the element-wise estimators: k1, k2, k3 and grpo_kl."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import ESTIMATORS, broadcast_args, estimator_args, estimator_scale, generator, lr_args
from grader.checks.support import (CheckFailure, Text, call, check_device, check_result, check_values,
                                   describe_call, reference, reference_with_grads)
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
    ("float64", (4, 6)), ("bfloat16", (4, 6)), ("float16", (4, 6)),
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
    *[(e, s) for e in ESTIMATORS for s in ("(3,1)x(1,4)", "(4,)x(2,4)", "()x(5,)", "(2,0)x(1,)")]))
def test_broadcasting(learner, exercise: str, shapes: str) -> None:
    shape_a, shape_b = (eval(s) for s in shapes.split("x"))  # our own literal tuples
    a, b = broadcast_args(exercise, shape_a, shape_b, seed=5)
    args = [a.float(), b.float()]
    want = reference(exercise)(args[0].double(), args[1].double())
    result = call(learner, exercise, args)
    check_result(exercise, args, result, want, torch.float32, estimator_scale(exercise, *args))


@pytest.mark.parametrize("exercise,dtypes", per_exercise(
    *[(e, d) for e in ESTIMATORS for d in ("float32+float64", "bfloat16+float32")]))
def test_mixed_dtypes(learner, exercise: str, dtypes: str) -> None:
    """Inputs of two dtypes: the result has torch's promoted dtype, as the reference's arithmetic gives."""
    dt_a, dt_b = (getattr(torch, d) for d in dtypes.split("+"))
    a, b = estimator_args(exercise, (3, 5), seed=53)
    args = [a.to(dt_a), b.to(dt_b)]
    want = reference(exercise)(args[0].double(), args[1].double())
    result = call(learner, exercise, args)
    check_result(exercise, args, result, want, torch.promote_types(dt_a, dt_b),
                 estimator_scale(exercise, *args))


@pytest.mark.parametrize("exercise", per_exercise(*[(e,) for e in ESTIMATORS]))
def test_repeated_calls(learner, exercise: str) -> None:
    """Two calls with the same shapes and dtype, the second on the first's values in another order (and a
    shift): a function that keeps state across calls (a cache keyed by shape, say) gets one of them wrong."""
    a, b = estimator_args(exercise, (4, 6), seed=59)
    first = [a, b]
    second = [a.flip(0, 1).roll(1, 1) - 0.25, b.flip(0, 1).roll(1, 1) - 0.25]
    for n, args in enumerate((first, second)):
        want = reference(exercise)(*args)
        result = call(learner, exercise, args)
        check_result(exercise, args, result, want, torch.float64, estimator_scale(exercise, *args),
                     what=Text("called_again", function=meta(exercise).function) if n else "")


@pytest.mark.parametrize("exercise", per_exercise(*[(e,) for e in ESTIMATORS]))
def test_device(learner, exercise: str) -> None:
    """On the meta device (shapes, dtypes and devices without data, GPU-free): the result stays on the
    inputs' device, and the inputs keep their shapes and strides."""
    a, b = broadcast_args(exercise, (3, 1), (3, 4), seed=61)
    check_device(learner, exercise, [a.float(), b.float()], (3, 4), torch.float32)


# The log-ratios of test_extremes, per dtype: exactly representable there, away from the few ulps where
# exp overflows (float16: exp(11.09); float32 and bfloat16: exp(88.7)), from near 0 (where a series or an
# epsilon is off) to far beyond exp's range on the negative side (expm1 -> -1 there: k3 stays finite).
# Beyond exp's range on the positive side, k3 is +inf: the formula's IEEE arithmetic, accepted as exact.
EXTREME_LR = {
    "float64": [0.0, 1e-9, -1e-9, 1e-6, -1e-5, 1e-3, -1e-3, 1e-2, -1e-2, 0.5, -3.0, -8.0, 20.0, -20.0, -40.0,
                80.0, -100.0, -300.0, 700.0, -745.5, 710.0, -1e4, 1e4],
    "float32": [0.0, 2.0**-20, -(2.0**-20), 1e-3, -1e-3, 1e-2, -1e-2, 0.5, -3.0, -8.0, 20.0, -20.0, -50.0,
                50.0, 80.0, -90.0, -104.0, -120.0, -200.0, 100.0, -1e4, 1e4],
    "bfloat16": [0.0, 2.0**-9, -(2.0**-9), 2.0**-6, -(2.0**-6), 0.5, -3.0, -6.0, -8.0, 8.0, -20.0, 20.0,
                 -50.0, 50.0, 80.0, -104.0, -120.0, -200.0, 100.0, -1e4, 1e4],
    "float16": [0.0, 2.0**-9, -(2.0**-9), 2.0**-6, -(2.0**-6), 0.5, -3.0, -6.0, -8.0, 8.0, 10.0, -12.0, 12.0,
                -17.0, -20.0, 20.0, -50.0, -104.0, -200.0, -1e4],
}


def extreme_args(exercise: str, dtype: torch.dtype) -> list[torch.Tensor]:
    """Inputs whose log-ratios are EXTREME_LR[dtype] (the larger log-prob -0.5, the other -0.5 - |log r|),
    then one -inf on the side that is not sampled (log_p; pi_ref_logprob), and, for k1 and k2 whose
    formulas have no exp, on the sampled side too. Where the sampled side is -inf, k3 is inf - inf = NaN:
    not an input a sample can give, so not graded."""
    # The numerator of r (log_p for k1..k3, pi_ref_logprob for grpo_kl) and its denominator:
    p_side, q_side = lr_args("k1", EXTREME_LR[str(dtype).replace("torch.", "")])
    inf = torch.tensor([-math.inf, -0.5], dtype=torch.float64)
    p_side, q_side = torch.cat([p_side, inf]), torch.cat([q_side, inf.flip(0)])
    if exercise not in ("k1", "k2"):
        p_side, q_side = p_side[:-1], q_side[:-1]
    args = [q_side, p_side] if exercise == "grpo_kl" else [p_side, q_side]
    return [a.to(dtype) for a in args]


# Log-ratios a policy and its reference give every day, exactly representable in every dtype. k1 and k2
# stop at |log r| = 4.4, where a clamp of the value at 10 (OpenRLHF's, on k2) would begin; k3 and grpo_kl
# go down to -6, where r is 0.0025: an epsilon of bfloat16's size (0.0078) inside the log, or a round
# trip log1p(expm1(x)), visibly distorts the value there (wrong maths, not a convention).
ORDINARY_LR = {
    "narrow": [-4.375, -4.0, -3.0, -2.0, -1.5, -1.0, -0.5, -0.25, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5],
    "wide": [-6.0, -5.0, -4.0, -3.0, -2.0, -1.5, -1.0, -0.5, -0.25, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5],
}


@pytest.mark.parametrize("exercise,dtype", per_exercise(
    *[(e, d) for e in ESTIMATORS for d in ("float64", "float32", "bfloat16", "float16")]))
def test_ordinary_log_ratios(learner, exercise: str, dtype: str) -> None:
    """Everyday log-ratios in each dtype. In bfloat16 and float16 the values are held to one unit of the
    dtype's rounding of the terms (|log r|, 1 and r), what a correct computation there gives, so an epsilon
    of the dtype's size or a round trip through exp shows; in float32 and float64 to the core tier's usual
    tolerance (a 1e-8 inside the log moves k3 by 1e-6 relative at log r = -6: a convention)."""
    dt = getattr(torch, dtype)
    lr = ORDINARY_LR["narrow" if exercise in ("k1", "k2") else "wide"]
    args = lr_args(exercise, lr, dt)
    want = reference(exercise)(args[0].double(), args[1].double())
    r = torch.tensor(lr, dtype=torch.float64)
    terms = torch.maximum(torch.maximum(r.abs(), r.exp()), torch.ones_like(r))
    result = call(learner, exercise, args)
    check_result(exercise, args, result, want, dt, terms, factor=1.0 if dt in (torch.bfloat16, torch.float16) else None)


@pytest.mark.parametrize("exercise,dtype", per_exercise(
    *[(e, d) for e in ESTIMATORS for d in ("float64", "float32", "bfloat16", "float16")]))
def test_extremes(learner, exercise: str, dtype: str) -> None:
    """Log-ratios from 1e-9 to the dtype's exp range and beyond, and -inf log-probs, against the float64
    reference rounded to the dtype: no epsilon, no clamping, no round trip through exp and log, no series,
    no nan_to_num; where the true value overflows the dtype, inf."""
    dt = getattr(torch, dtype)
    args = extreme_args(exercise, dt)
    want = reference(exercise)(args[0].double(), args[1].double())
    result = call(learner, exercise, args)
    check_result(exercise, args, result, want, dt, estimator_scale(exercise, *args))


# Which inputs the gradient must reach: both for k1..k3; for grpo_kl the policy's log-probs. The reference
# model's come from a frozen model (often under no_grad), so a gradient may or may not reach them; if one
# does, it must be the true one.
GRAD_INPUTS = {"k1": [True, True], "k2": [True, True], "k3": [True, True], "grpo_kl": [True, True]}
OPTIONAL_GRADS = {"grpo_kl": {"pi_ref_logprob"}}


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
        if got is None and name in OPTIONAL_GRADS.get(exercise, ()):
            continue  # detached: fine for the frozen reference's log-probs
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
