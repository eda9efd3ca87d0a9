"""Hidden checks of kl_penalty, verl's per-token KL by mode name (track 2)."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import (CheckFailure, Text, call, check_device, check_option_error,
                                   check_result,
                                   check_unmodified, check_values, describe_call, reference,
                                   reference_with_grads)

pytestmark = pytest.mark.exercise("kl_penalty")
EX = "kl_penalty"
BASES = ("k1", "kl", "abs", "k2", "mse", "k3", "low_var_kl")
MODES = BASES + tuple(b + "+" for b in BASES)


def make(shape: tuple, seed: int, lo: float = -3.0, hi: float = 2.5) -> tuple[torch.Tensor, torch.Tensor]:
    """float64 (logprob, ref_logprob) with ref - logprob spread over [lo, hi], never exactly 0. The default
    range stays below u = 2.61, where verl's clamp of k3 at 10 begins: the core checks test the maths, the
    clamps have checks of their own (the convention `clamp`)."""
    g = generator(seed)
    logprob = -(0.05 + 5.0 * torch.rand(shape, generator=g, dtype=torch.float64))
    u = lo + (hi - lo) * torch.rand(shape, generator=g, dtype=torch.float64)
    u = torch.where(u.abs() < 1e-3, torch.full_like(u, 0.3), u)
    return logprob, logprob + u


def scale(logprob: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    """The size of the rounded terms; where verl's clamp caps k3 at 10 the value is exact."""
    a, b = logprob.double(), ref.double()
    u = (b - a).clamp(-20, 20)
    k3_terms = torch.where(u.exp() - u - 1 > 10, torch.zeros_like(u), u.exp() * (1.0 + u.abs()))
    return 1.0 + a.abs() + b.abs() + (a - b) ** 2 + k3_terms


def run(learner, logprob: torch.Tensor, ref: torch.Tensor, mode: str, want: torch.Tensor | None = None) -> None:
    args = [logprob, ref, mode]
    want = reference(EX)(logprob.double(), ref.double(), mode) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, torch.promote_types(logprob.dtype, ref.dtype), scale(logprob, ref))


def test_hand_examples(learner) -> None:
    # d = logprob - ref = [0.5, -1]: k1 d, abs |d|, k2 d^2/2, k3 with u = -d: e^-0.5 - 0.5, e - 2.
    lp, ref = torch.tensor([-1.0, -2.0], dtype=torch.float64), torch.tensor([-1.5, -1.0], dtype=torch.float64)
    t = lambda *v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    k3 = t(math.exp(-0.5) - 0.5, math.e - 2)
    for mode, want in [("k1", t(0.5, -1.0)), ("kl", t(0.5, -1.0)), ("abs", t(0.5, 1.0)), ("k2", t(0.125, 0.5)),
                       ("mse", t(0.125, 0.5)), ("k3", k3), ("low_var_kl", k3), ("k3+", k3), ("abs+", t(0.5, 1.0))]:
        run(learner, lp, ref, mode, want)


@pytest.mark.parametrize("dtype,shape", [("float32", (4, 6)), ("float64", (3, 5)), ("bfloat16", (2, 7))],
                         ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, shape: tuple) -> None:
    """Every one of the 14 modes (one check per dtype: the message names the mode that is off)."""
    dt = getattr(torch, dtype)
    for mode in MODES:
        logprob, ref = make(shape, seed=len(mode) * 13 + shape[1])
        run(learner, logprob.to(dt), ref.to(dt), mode)


@pytest.mark.parametrize("mode", ["k3", "low_var_kl", "k3+"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clamps(learner, mode: str, dtype: str) -> None:
    """Log-ratios from -120 to 120: k3 capped at 10 wherever it exceeds it (u > 2.61 or u < -11); by hand,
    u = 8 gives e^8 - 9 = 2972 -> 10 and u = -15 gives 14 -> 10."""
    t = lambda *v: torch.tensor(v, dtype=getattr(torch, dtype))  # noqa: E731
    run(learner, t(-9.0, -1.0), t(-1.0, -16.0), mode, torch.tensor([10.0, 10.0], dtype=torch.float64))
    u = torch.tensor([-120.0, -30.0, -20.5, -12.0, -10.5, -2.0, 0.25, 2.0, 2.6, 2.7, 15.0, 19.5, 25.0, 100.0],
                     dtype=torch.float64)
    logprob = torch.full_like(u, -30.0)
    args = (logprob.to(getattr(torch, dtype)), (logprob + u).to(getattr(torch, dtype)))
    run(learner, *args, mode)


@pytest.mark.parametrize("mode", ["k1", "abs", "k2", "k3", "low_var_kl", "k1+", "abs+", "k3+", "low_var_kl+"])
def test_gradients(learner, mode: str) -> None:
    """d/d logprob: the mode's own for plain modes, k2's (d) for "+" modes."""
    logprob, ref = make((3, 4), seed=31, lo=-4.0)
    args = [logprob, ref, mode]
    grad_output = torch.randn(3, 4, generator=generator(37), dtype=torch.float64)
    want, (want_grad,) = reference_with_grads(EX, args, [True, False, False], grad_output)
    result = call(learner, EX, args, grad=[True, False, False], grad_output=grad_output)
    check_result(EX, args, result, want, torch.float64, scale(logprob, ref))
    (got,) = result.grads
    if got is None:
        raise CheckFailure("check_no_grad", call=describe_call(EX, args), arg="logprob")
    if tuple(got.shape) != tuple(logprob.shape):
        raise CheckFailure("check_wrong_grad_shape", arg="logprob", want=tuple(logprob.shape), got=tuple(got.shape))
    check_values(EX, args, got, want_grad, torch.float64, scale(logprob, ref), what=Text("grad_of", arg="logprob"))


@pytest.mark.parametrize("mode", ["k3", "low_var_kl", "k3+"])
def test_gradients_where_clamped(learner, mode: str) -> None:
    """float32, log-ratios up to 100 (exp overflows there): the gradient is finite (0 where k3 is capped,
    k2's for k3+); clamping only the output gives 0 * inf = NaN."""
    u = torch.tensor([[-100.0, -25.0, 1.0, 30.0, 95.0]], dtype=torch.float64)
    logprob = torch.full_like(u, -40.0)
    args = [logprob.float(), (logprob + u).float(), mode]
    grad_output = torch.ones(1, 5, dtype=torch.float32)
    _, (want_grad,) = reference_with_grads(EX, [logprob, logprob + u, mode], [True, False, False],
                                           grad_output.double())
    result = call(learner, EX, args, grad=[True, False, False], grad_output=grad_output)
    (got,) = result.grads
    if got is None:
        raise CheckFailure("check_no_grad", call=describe_call(EX, args), arg="logprob")
    check_values(EX, args, got, want_grad, torch.float32, 1.0 + u.abs(), what=Text("grad_of", arg="logprob"))


@pytest.mark.parametrize("shapes", ["(3,1)x(1,4)", "(4,)x(2,4)", "(2,0)x(1,)"])
def test_broadcasting(learner, shapes: str) -> None:
    shape_a, shape_b = (eval(s) for s in shapes.split("x"))  # our own literal tuples
    g = generator(41)
    logprob = -torch.rand(shape_a, generator=g, dtype=torch.float64) * 2.5
    ref = -torch.rand(shape_b, generator=g, dtype=torch.float64) * 2.5
    for mode in ("k1", "k3", "abs+"):
        run(learner, logprob.float(), ref.float(), mode)


def test_mixed_dtypes(learner) -> None:
    logprob, ref = make((3, 4), seed=43)
    for mode in ("k2", "low_var_kl"):
        run(learner, logprob.float(), ref, mode)
        run(learner, logprob.bfloat16(), ref.float(), mode)


@pytest.mark.parametrize("mode", ["k4", "K3", "low-var-kl", "full", "k3++", ""])
def test_unknown_mode_raises(learner, mode: str) -> None:
    """Any other mode: ValueError whose message names the valid modes (verl's "full" included: it is not
    implemented here either)."""
    logprob, ref = make((2, 3), seed=47)
    args = [logprob, ref, mode]
    check_option_error(learner, EX, args, "mode", MODES, required=BASES)


def test_inputs_unmodified(learner) -> None:
    logprob, ref = make((4, 4), seed=53)
    for mode in ("k1", "abs", "k3", "k3+"):
        args = [logprob, ref, mode]
        check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    logprob, ref = make((3, 5), seed=59)
    for mode in ("k3", "k1", "k3"):
        run(learner, logprob, ref, mode)
        run(learner, logprob.flip(0) - 0.5, ref.flip(0) - 0.25, mode)


@pytest.mark.parametrize("mode", ["k1", "k3", "k3+"])
def test_device(learner, mode: str) -> None:
    logprob, ref = make((3, 4), seed=61)
    check_device(learner, EX, [logprob.float(), ref.float(), mode], (3, 4), torch.float32)
