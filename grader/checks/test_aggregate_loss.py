"""Hidden checks of aggregate_loss, a per-token loss to one number (track 2)."""

from __future__ import annotations

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import (CheckFailure, Text, call, check_device, check_option_error,
                                   check_result,
                                   check_unmodified, check_values, describe_call, reference,
                                   reference_with_grads)

pytestmark = pytest.mark.exercise("aggregate_loss")
EX = "aggregate_loss"
MODES = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "dr-grpo")


def masks(kind: str, batch: int, length: int, seed: int) -> torch.Tensor:
    """0/1 masks: right-padded with random lengths, ragged (holes anywhere), all ones, a zero row, all zero."""
    g = generator(seed)
    if kind == "right-padded":
        lengths = torch.randint(1, length + 1, (batch,), generator=g)
        return (torch.arange(length)[None] < lengths[:, None]).double()
    if kind == "ragged":  # holes anywhere, but a real token in every row (empty rows: the convention `empty`)
        m = (torch.rand(batch, length, generator=g) < 0.6).double()
        m[torch.arange(batch), torch.randint(0, max(length, 1), (batch,), generator=g)] = 1.0
        return m
    if kind == "all-one":
        return torch.ones(batch, length, dtype=torch.float64)
    if kind == "zero-row":
        m = (torch.arange(length)[None] < torch.randint(1, length + 1, (batch,), generator=g)[:, None]).double()
        m[batch // 2] = 0.0
        return m
    return torch.zeros(batch, length, dtype=torch.float64)


def make(batch: int, length: int, kind: str, seed: int, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    loss = torch.randn(batch, length, generator=generator(seed + 1000), dtype=torch.float64)
    return loss.to(dtype), masks(kind, batch, length, seed).to(dtype)


def scale(loss: torch.Tensor) -> torch.Tensor:
    """Sums of T terms (and of B rows) round in proportion to their size."""
    if loss.numel() == 0:
        return torch.tensor(1.0, dtype=torch.float64)
    return 1.0 + loss.shape[-1] * loss.double().abs().max()


def run(learner, loss: torch.Tensor, mask: torch.Tensor, mode: str, want: torch.Tensor | None = None) -> None:
    args = [loss, mask, mode]
    want = reference(EX)(loss.double(), mask.double(), mode) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, loss.dtype, scale(loss))


def test_hand_examples(learner) -> None:
    """The docstring's batch: [0.4, pad x3] and [0.1 x4], padding holding 0.3."""
    loss = torch.tensor([[0.4, 0.3, 0.3, 0.3], [0.1, 0.1, 0.1, 0.1]], dtype=torch.float64)
    mask = torch.tensor([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]], dtype=torch.float64)
    for mode, value in zip(MODES, (0.8 / 5, (0.4 + 0.1) / 2, 0.8 / 2, 0.8 / 8)):
        run(learner, loss, mask, mode, torch.tensor(value, dtype=torch.float64))


@pytest.mark.parametrize("kind,dtype", [("right-padded", "float32"), ("ragged", "float64"), ("all-one", "float32"),
                                        ("right-padded", "float64")], ids=lambda v: str(v))
def test_matches_reference(learner, kind: str, dtype: str) -> None:
    """Each mode on one mask pattern (the message names the mode that is off)."""
    for mode in MODES:
        loss, mask = make(5, 7, kind, seed=len(mode) * 7 + len(kind), dtype=getattr(torch, dtype))
        run(learner, loss, mask, mode)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_empty_rows(learner, dtype: str) -> None:
    """A row without a real token counts as a sequence of loss 0 (seq-mean modes divide by every row, as
    TRL does; verl's agg_loss leaves such rows out of the mean)."""
    for mode in MODES:
        loss, mask = make(5, 7, "zero-row", seed=len(mode) * 7 + 8, dtype=getattr(torch, dtype))
        run(learner, loss, mask, mode)


def test_padding_values_do_not_count(learner) -> None:
    """Large values at the padding positions change nothing, in any mode."""
    loss, mask = make(4, 6, "right-padded", seed=3, dtype=torch.float64)
    noisy = torch.where(mask > 0, loss, torch.full_like(loss, 1e3))
    for mode in MODES:
        run(learner, noisy, mask, mode, reference(EX)(loss, mask, mode))


@pytest.mark.parametrize("shape,kind", [((3, 4), "all-zero"), ((0, 4), "all-zero"), ((3, 0), "all-zero")],
                         ids=["zero-mask", "no-sequences", "no-tokens"])
def test_empty_gives_zero(learner, shape: tuple, kind: str) -> None:
    """Nothing to average: 0, never NaN (every denominator is at least 1), in every mode."""
    loss, mask = make(*shape, kind, seed=5, dtype=torch.float32)
    for mode in MODES:
        run(learner, loss, mask, mode, torch.tensor(0.0, dtype=torch.float64))


@pytest.mark.parametrize("mode", MODES)
def test_gradients(learner, mode: str) -> None:
    """d(result)/d(loss): the mask over the mode's denominator (0 at padding)."""
    loss, mask = make(4, 5, "right-padded", seed=11, dtype=torch.float64)
    args = [loss, mask, mode]
    grad_output = torch.tensor(1.5, dtype=torch.float64)
    want, (want_grad,) = reference_with_grads(EX, args, [True, False, False], grad_output)
    result = call(learner, EX, args, grad=[True, False, False], grad_output=grad_output)
    check_result(EX, args, result, want, torch.float64, scale(loss))
    (got,) = result.grads
    if got is None:
        raise CheckFailure("check_no_grad", call=describe_call(EX, args), arg="loss")
    if tuple(got.shape) != tuple(loss.shape):
        raise CheckFailure("check_wrong_grad_shape", arg="loss", want=tuple(loss.shape), got=tuple(got.shape))
    check_values(EX, args, got, want_grad, torch.float64, torch.ones_like(want_grad), what=Text("grad_of", arg="loss"))


@pytest.mark.parametrize("mode", ["mean", "sum", "token_mean", "seq-mean-token-sum-norm", ""])
def test_unknown_mode_raises(learner, mode: str) -> None:
    """Any other mode: ValueError, and the message names the four valid modes."""
    loss, mask = make(2, 3, "all-one", seed=13, dtype=torch.float32)
    args = [loss, mask, mode]
    check_option_error(learner, EX, args, "mode", MODES)


def test_inputs_unmodified(learner) -> None:
    loss, mask = make(4, 4, "ragged", seed=17, dtype=torch.float64)
    for mode in MODES:
        args = [loss, mask, mode]
        check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    loss, mask = make(3, 5, "right-padded", seed=19, dtype=torch.float64)
    for mode in MODES:
        run(learner, loss, mask, mode)
        run(learner, loss.flip(0) * 2.0 - 1.0, mask.flip(0), mode)


def test_device(learner) -> None:
    """On the meta device (no data, GPU-free): the 0-d result stays on the inputs' device, in every mode."""
    loss, mask = make(3, 4, "right-padded", seed=23, dtype=torch.float32)
    for mode in MODES:
        check_device(learner, EX, [loss, mask, mode], (), torch.float32)
