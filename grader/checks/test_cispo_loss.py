"""Hidden checks of cispo_loss, CISPO's clipped and detached importance weight (track 4)."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.support import (call, check_device, check_option_error, check_policy_grad, check_result,
                                   check_unmodified, reference, reference_with_grads)
from grader.checks.track4 import mask_of, policy_pair

pytestmark = pytest.mark.exercise("cispo_loss")
EX = "cispo_loss"
MODES = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "dr-grpo")


def make(batch: int, length: int, seed: int, dtype: torch.dtype = torch.float64, mask_kind: str = "right-padded",
         spread: float = 0.4) -> list[torch.Tensor]:
    """(logp, old_logp, advantages, mask): ratios from e^-1.5 to e^1.5 (both clip bounds reached), advantages
    of both signs, finite and different values at padding."""
    logp, old, g = policy_pair(batch, length, seed, spread)
    adv = 1.5 * torch.randn(batch, generator=g, dtype=torch.float64)
    mask = mask_of(mask_kind, batch, length, g)
    old = torch.where(mask > 0, old, old - 2.0)
    return [t.to(dtype) for t in (logp, old, adv, mask)]


def scale(tensors: list[torch.Tensor], eps_high: float) -> torch.Tensor:
    logp, old, adv, mask = (t.double() for t in tensors)
    if logp.numel() == 0:
        return torch.tensor(1.0, dtype=torch.float64)
    return logp.shape[-1] * (1.0 + (1.0 + eps_high) * adv.abs().max() * (1.0 + logp.abs().max() + old.abs().max()))


def args_of(tensors: list, eps_low: float | None = None, eps_high: float = 0.28, mode: str = "token-mean") -> list:
    return [*tensors, eps_low, eps_high, mode]


def run(learner, args: list, want: torch.Tensor | None = None) -> None:
    tensors = args[:4]
    want = reference(EX)(*[t.double() for t in tensors], *args[4:]) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, tensors[0].dtype, scale(tensors, args[5]))


def test_hand_examples(learner) -> None:
    # Ratios e^0.2 (clipped to 1.2), e^0.1, 1 and 1, e^-0.2; A = 1, -1; token-mean over 5 real tokens.
    t = lambda *rows: torch.tensor(rows, dtype=torch.float64)  # noqa: E731
    logp, old = t([-1.0, -2.0, -0.5], [-0.3, -1.2, -9.0]), t([-1.2, -2.1, -0.5], [-0.3, -1.0, -1.0])
    mask, adv = t([1.0, 1.0, 1.0], [1.0, 1.0, 0.0]), torch.tensor([1.0, -1.0], dtype=torch.float64)
    e = math.exp
    terms = [1.2 * 1.0, e(0.1) * 2.0, 0.5, -0.3, -e(-0.2) * 1.2]
    run(learner, args_of([logp, old, adv, mask], None, 0.2), torch.tensor(sum(terms) / 5, dtype=torch.float64))
    # With a lower bound of 1 - 0.1: e^-0.2 = 0.819 is raised to 0.9.
    terms[-1] = -0.9 * 1.2
    run(learner, args_of([logp, old, adv, mask], 0.1, 0.2), torch.tensor(sum(terms) / 5, dtype=torch.float64))
    # seq-mean-token-mean: (1.2 + 2.2103 + 0.5) / 3 and (-0.3 - 1.08) / 2, averaged.
    want = ((terms[0] + terms[1] + terms[2]) / 3 + (terms[3] + terms[4]) / 2) / 2
    run(learner, args_of([logp, old, adv, mask], 0.1, 0.2, "seq-mean-token-mean"), torch.tensor(want, dtype=torch.float64))


@pytest.mark.parametrize("dtype,mask_kind", [("float64", "right-padded"), ("float32", "ragged"),
                                             ("float64", "ragged"), ("float32", "all-one")], ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, mask_kind: str) -> None:
    """Each aggregation mode, with and without a lower bound."""
    for mode in MODES:
        for eps_low, eps_high in ((None, 0.28), (0.2, 0.2), (None, 4.0)):
            tensors = make(5, 7, seed=len(mode) + len(mask_kind) * 3, dtype=getattr(torch, dtype), mask_kind=mask_kind)
            run(learner, args_of(tensors, eps_low, eps_high, mode))


@pytest.mark.parametrize("mode,eps_low,eps_high", [("token-mean", None, 0.2), ("seq-mean-token-mean", 0.2, 0.28),
                                                    ("dr-grpo", None, 4.0), ("seq-mean-token-sum", 0.1, 0.1)],
                         ids=lambda v: str(v))
def test_gradients(learner, mode: str, eps_low: float | None, eps_high: float) -> None:
    """d loss / d logp is -w A over the mode's denominator at every real token, clipped ones included (the
    weight is detached); nothing flows into old_logp or the advantages."""
    tensors = make(4, 6, seed=29, mask_kind="ragged", spread=0.6)
    args = args_of(tensors, eps_low, eps_high, mode)
    grad_output = torch.tensor(1.0, dtype=torch.float64)
    want, (want_grad,) = reference_with_grads(EX, args, [True] + [False] * 6, grad_output)
    result = call(learner, EX, args, grad=[True, True, True, False, False, False, False], grad_output=grad_output)
    check_result(EX, args, result, want, torch.float64, scale(tensors, eps_high))
    check_policy_grad(EX, args, result, want_grad, scale(tensors, eps_high), ("old_logp", "advantages"))


def test_padding_values_do_not_count(learner) -> None:
    """Other finite log-probs at padding change nothing, in any mode."""
    tensors = make(4, 6, seed=19)
    logp, old, adv, mask = tensors
    pad = mask == 0
    noisy = [torch.where(pad, logp - 1.5, logp), torch.where(pad, old + 0.7, old), adv, mask]
    for mode in MODES:
        run(learner, args_of(noisy, 0.2, 0.28, mode), reference(EX)(*tensors, 0.2, 0.28, mode))


@pytest.mark.parametrize("shape,kind", [((3, 4), "zero"), ((0, 4), "zero"), ((3, 0), "zero"), ((4, 5), "zero-row")],
                         ids=["zero-mask", "no-sequences", "no-tokens", "empty-row"])
def test_empty(learner, shape: tuple, kind: str) -> None:
    """Nothing to average: 0, never NaN, in every mode; a row without real tokens adds 0 and counts among
    the B rows of the sequence means."""
    logp, old, adv, _ = make(*shape, seed=23, dtype=torch.float32)
    mask = torch.zeros(shape) if kind == "zero" else mask_of("zero-row", *shape, torch.Generator()).float()
    for mode in MODES:
        want = None if kind == "zero-row" else torch.tensor(0.0, dtype=torch.float64)
        run(learner, args_of([logp, old, adv, mask], None, 0.28, mode), want)


@pytest.mark.parametrize("case", ["low", "high"])
def test_large_log_ratios(learner, case: str) -> None:
    """One real token whose log-ratio is -30 (no lower bound: the weight e^-30; verl clamps the log-ratio at
    -20, e^-20) or +30 (the weight 1 + eps_high), beside a padding position; held to the value's own size."""
    logp = torch.tensor([[-35.0, -1.0]], dtype=torch.float64)
    gap = -30.0 if case == "low" else 30.0
    old = logp - torch.tensor([[gap, 0.0]], dtype=torch.float64)
    args = args_of([logp, old, torch.tensor([1.5], dtype=torch.float64), torch.tensor([[1.0, 0.0]], dtype=torch.float64)])
    want = reference(EX)(*args)
    result = call(learner, EX, args)
    check_result(EX, args, result, want, torch.float64, want.abs())


def test_unknown_mode_raises(learner) -> None:
    tensors = [t.float() for t in make(2, 3, seed=31)]
    check_option_error(learner, EX, args_of(tensors, None, 0.28, "token_mean"), "mode", MODES)


def test_inputs_unmodified(learner) -> None:
    tensors = make(4, 4, seed=37)
    args = args_of(tensors, 0.2, 0.28, "seq-mean-token-mean")
    check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    tensors = make(3, 5, seed=41)
    run(learner, args_of(tensors))
    run(learner, args_of([t.flip(0) for t in tensors], 0.2, 0.2, "seq-mean-token-mean"))


def test_device(learner) -> None:
    tensors = [t.float() for t in make(3, 4, seed=43)]
    check_device(learner, EX, args_of(tensors), (), torch.float32)
