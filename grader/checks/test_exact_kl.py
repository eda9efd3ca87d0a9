"""Hidden checks of exact_kl: the exact KL(P || Q) over the vocabulary, from logits."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.multi import check_device_parts, check_grads, what
from grader.checks.support import call, check_result, check_values, reference, reference_with_grads

pytestmark = pytest.mark.exercise("exact_kl")
EX = "exact_kl"


def make(shape: tuple, dtype: torch.dtype, seed: int, spread: float = 2.0) -> list:
    g = generator(seed)
    a = spread * torch.randn(shape, generator=g, dtype=torch.float64)
    b = a + spread * 0.7 * torch.randn(shape, generator=g, dtype=torch.float64)
    return [a.to(dtype), b.to(dtype)]


def scale(args: list) -> torch.Tensor:
    """What a correct float computation rounds: the log-probabilities (|log P| + |log Q|, weighted by P),
    and each log-probability's own error, eps times the row's largest logit (log_softmax subtracts the
    logsumexp), which the weights P_v = exp(log P_v) pass on times |log P_v - log Q_v|."""
    a, b = (x.double() for x in args)
    lp, lq = torch.log_softmax(a, -1), torch.log_softmax(b, -1)
    p = lp.exp()
    big = a.abs().amax(-1) + b.abs().amax(-1) if a.shape[-1] else torch.zeros(a.shape[:-1], dtype=torch.float64)
    return 1.0 + (p * (lp.abs() + lq.abs())).sum(-1) + big * (p * (lp - lq).abs()).sum(-1)


def run(learner, args: list, dtype: torch.dtype | None = None, want: torch.Tensor | None = None,
        what: object = "") -> None:
    dtype = dtype or torch.promote_types(args[0].dtype, args[1].dtype)
    want = reference(EX)(args[0].double(), args[1].double()) if want is None else want
    check_result(EX, args, call(learner, EX, args), want, dtype, scale(args), what)


def test_hand_examples(learner) -> None:
    # P = (1/2, 1/2), Q = (1/4, 3/4): KL = 0.5 log 2 + 0.5 log(2/3) = 0.5 log(4/3); then logits that differ
    # by a constant (the same distribution): 0; then KL(Q || P) of the first pair, the other direction:
    # 0.25 log(1/2) + 0.75 log(3/2).
    t = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731
    run(learner, [t([[0.0, 0.0], [1.0, 2.0], [0.0, math.log(3.0)]]),
                  t([[0.0, math.log(3.0)], [6.0, 7.0], [0.0, 0.0]])], torch.float64,
        t([0.5 * math.log(4 / 3), 0.0, 0.25 * math.log(0.5) + 0.75 * math.log(1.5)]))


@pytest.mark.parametrize("dtype,shape", [
    ("float32", (5,)), ("float32", (3, 7)), ("float32", (2, 3, 11)), ("float64", (4, 9)),
    ("bfloat16", (3, 8)), ("float16", (3, 8)), ("float32", (4, 1)),
], ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, shape: tuple) -> None:
    dt = getattr(torch, dtype)
    run(learner, make(shape, dt, seed=7 + sum(shape)), dt)


@pytest.mark.parametrize("dtype,shape", [("float32", (0, 6)), ("float64", (2, 0, 5))], ids=lambda v: str(v))
def test_empty(learner, dtype: str, shape: tuple) -> None:
    """No positions: an empty result of the positions' shape."""
    dt = getattr(torch, dtype)
    run(learner, make(shape, dt, seed=7 + sum(shape)), dt)


def test_single_token_vocabulary(learner) -> None:
    """V = 1: both distributions put all their mass on the one token, KL = 0 whatever the logits."""
    args = [torch.tensor([[3.0], [-50.0], [0.0]]), torch.tensor([[-2.0], [40.0], [0.0]])]
    run(learner, args, torch.float32, torch.zeros(3, dtype=torch.float64))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_shift_invariance(learner, dtype: str) -> None:
    """Logits that differ by a constant per position give the same distribution: KL 0, up to rounding."""
    _shifted(learner, dtype, [0.5, -3.0, 5.0, -8.0])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_large_shifts(learner, dtype: str) -> None:
    """The same with shifts of 20 and -100: exp of such logits overflows or underflows unless the max is
    subtracted first (log_softmax does)."""
    _shifted(learner, dtype, [0.5, -3.0, 20.0, -100.0])


def _shifted(learner, dtype: str, shifts: list[float]) -> None:
    dt = getattr(torch, dtype)
    a = make((4, 10), torch.float64, seed=13)[0]
    shift = torch.tensor(shifts, dtype=torch.float64)[:, None]
    args = [a.to(dt), (a + shift).to(dt)]
    run(learner, args, dt, torch.zeros(4, dtype=torch.float64))


@pytest.mark.parametrize("dtype", ["float64", "float32", "bfloat16"])
def test_large_logits(learner, dtype: str) -> None:
    """Logits spread over hundreds to thousands: probabilities that underflow to 0 in the dtype, whose
    log-probability is still finite. log_softmax gives the finite KL; softmax then log gives inf or NaN."""
    dt = getattr(torch, dtype)
    a = torch.tensor([[0.0, -200.0, -5.0, 3.0], [1e4, 0.0, 9990.0, -1e4], [-300.0, -300.0, 0.0, -2.0],
                      [50.0, 60.0, 70.0, -80.0]], dtype=torch.float64)
    b = torch.tensor([[-200.0, 0.0, 1.0, 2.0], [0.0, 1e4, 9995.0, 0.0], [0.0, -300.0, -300.0, -1.0],
                      [70.0, 60.0, 50.0, 80.0]], dtype=torch.float64)
    run(learner, [a.to(dt), b.to(dt)], dt)


@pytest.mark.parametrize("dtypes", ["float32+float64", "bfloat16+float32"])
def test_mixed_dtypes(learner, dtypes: str) -> None:
    """The result has the promoted dtype; its values are held to the precision of the narrower input (each
    log_softmax runs in its input's dtype before the two meet)."""
    dt_a, dt_b = (getattr(torch, d) for d in dtypes.split("+"))
    a, b = make((3, 6), torch.float64, seed=17)
    args = [a.to(dt_a), b.to(dt_b)]
    result = call(learner, EX, args)
    want = reference(EX)(args[0].double(), args[1].double())
    # Shape, dtype and untouched inputs first (a tolerance that lets any finite value through), then the
    # values, held to the narrower dtype's precision.
    check_result(EX, args, result, want, torch.promote_types(dt_a, dt_b), scale(args) * 1e12)
    check_values(EX, args, result.out, want, dt_a, scale(args))


def test_gradients(learner) -> None:
    """Gradients reach both logits (distillation and the exact-KL penalty differentiate both)."""
    args = make((3, 5), torch.float64, seed=19)
    go = torch.randn(3, generator=generator(23), dtype=torch.float64)
    want, want_grads = reference_with_grads(EX, args, [True, True], go)
    result = call(learner, EX, args, grad=[True, True], grad_output=go)
    check_result(EX, args, result, want, torch.float64, scale(args))
    check_grads(EX, args, result.grads, ["logits_p", "logits_q"], want_grads, scale(args)[:, None])


def test_inputs_unmodified_square(learner) -> None:
    """(V, V) inputs: an in-place transpose keeps the shape; only the strides show it."""
    run(learner, make((5, 5), torch.float64, seed=29))


def test_repeated_calls(learner) -> None:
    """The same shapes twice, other values: nothing may be kept from the first call."""
    a, b = make((4, 6), torch.float64, seed=31)
    for n, args in enumerate(([a, b], [b.flip(0) - 1.0, a.flip(1)])):
        run(learner, args, what=what(EX, None, again=True) if n else "")


def test_device(learner) -> None:
    args = make((3, 4), torch.float32, seed=37)
    check_device_parts(learner, EX, args, [(3,)], torch.float32)
