"""Hidden checks of token_logprobs, log pi(token) from logits (track 2)."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import (CheckFailure, Text, call, check_device, check_result, check_unmodified,
                                   check_values, describe_call, reference, reference_with_grads)

pytestmark = pytest.mark.exercise("token_logprobs")
EX = "token_logprobs"


def result_dtype(logits: torch.Tensor) -> torch.dtype:
    return torch.float32 if logits.dtype in (torch.float16, torch.bfloat16) else logits.dtype


def scale(logits: torch.Tensor) -> torch.Tensor:
    """What a correct float computation rounds: the logits (max-shifted) and log V."""
    x = logits.double()
    if x.numel() == 0:
        return torch.ones(x.shape[:-1], dtype=torch.float64)
    spread = x.amax(-1) - x.amin(-1)
    # Float arithmetic on logits of size |x| rounds to |x| eps (logits near 1e4 in float32: ~1e-3).
    return 1.0 + spread + x.abs().amax(-1) + math.log(max(x.shape[-1], 1))


def make(shape: tuple, seed: int, dtype: torch.dtype, size: float = 3.0) -> list:
    g = generator(seed)
    logits = (size * torch.randn(shape, generator=g, dtype=torch.float64)).to(dtype)
    labels = torch.randint(0, shape[-1], shape[:-1], generator=g, dtype=torch.int64)
    return [logits, labels]


def run(learner, args: list, want: torch.Tensor | None = None) -> None:
    logits, labels = args
    want = reference(EX)(logits.double(), labels) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, result_dtype(logits), scale(logits))


def test_hand_examples(learner) -> None:
    # [0, 0] at label 1: -log 2. [1, 3] at label 0: 1 - log(e + e^3) = -log(1 + e^2).
    # [1, 2, 3] at label 2: -log(1 + e^-1 + e^-2).
    run(learner, [torch.tensor([[0.0, 0.0], [1.0, 3.0]], dtype=torch.float64), torch.tensor([1, 0])],
        torch.tensor([-math.log(2.0), -math.log(1 + math.e**2)], dtype=torch.float64))
    run(learner, [torch.tensor([[[1.0, 2.0, 3.0]]], dtype=torch.float64), torch.tensor([[2]])],
        torch.tensor([[-math.log(1 + math.exp(-1) + math.exp(-2))]], dtype=torch.float64))


@pytest.mark.parametrize("dtype,shape", [
    ("float32", (5, 7)), ("float32", (2, 3, 11)), ("float32", (1, 6, 50)), ("float32", (2, 2, 3, 5)),
    ("float64", (3, 4, 9)), ("bfloat16", (2, 5, 13)), ("float16", (3, 4, 8)),
], ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, shape: tuple) -> None:
    run(learner, make(shape, seed=sum(shape), dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
def test_far_apart_logits(learner, dtype: str) -> None:
    """Logits 200 apart: softmax of the low ones underflows to 0 (log -> -inf); log_softmax is finite."""
    logits = torch.tensor([[0.0, -200.0, 5.0, -120.0], [150.0, 0.0, -60.0, 149.0]], dtype=getattr(torch, dtype))
    labels = torch.tensor([1, 2])
    run(learner, [logits, labels])
    run(learner, [logits, torch.tensor([3, 3])])


def test_large_logits(learner) -> None:
    """Logits near 1e4 (float32): exp overflows; subtracting the max (log_softmax does) keeps it finite."""
    g = generator(41)
    logits = 1e4 + torch.randn(3, 4, 6, generator=g, dtype=torch.float64)
    labels = torch.randint(0, 6, (3, 4), generator=g)
    run(learner, [logits.float(), labels])
    run(learner, [logits, labels])


def test_vocabulary_of_one(learner) -> None:
    """V = 1: the only token has probability 1, log-probability 0."""
    logits = torch.randn(2, 3, 1, generator=generator(43))
    run(learner, [logits, torch.zeros(2, 3, dtype=torch.int64)], torch.zeros(2, 3, dtype=torch.float64))


@pytest.mark.parametrize("shape", [(0, 5, 7), (2, 0, 7)], ids=["no-sequences", "no-tokens"])
def test_empty_batch(learner, shape: tuple) -> None:
    run(learner, make(shape, seed=47, dtype=torch.float32))


@pytest.mark.parametrize("dtype", ["float64", "bfloat16"])
def test_gradients(learner, dtype: str) -> None:
    """The gradient reaches the logits (onehot - softmax, weighted), in the logits' dtype."""
    logits, labels = make((2, 3, 5), seed=53, dtype=torch.float64)
    logits = logits.to(getattr(torch, dtype))
    args = [logits, labels]
    grad_output = torch.randn(2, 3, generator=generator(59), dtype=torch.float64).to(result_dtype(logits))
    want, (want_grad,) = reference_with_grads(EX, [logits.double(), labels], [True, False], grad_output.double())
    result = call(learner, EX, args, grad=[True, False], grad_output=grad_output)
    check_result(EX, args, result, want, result_dtype(logits), scale(logits))
    (got,) = result.grads
    if got is None:
        raise CheckFailure("check_no_grad", call=describe_call(EX, args), arg="logits")
    if tuple(got.shape) != tuple(logits.shape):
        raise CheckFailure("check_wrong_grad_shape", arg="logits", want=tuple(logits.shape), got=tuple(got.shape))
    check_values(EX, args, got, want_grad, logits.dtype, torch.ones_like(want_grad) * 2.0,
                 what=Text("grad_of", arg="logits"))


def test_inputs_unmodified(learner) -> None:
    args = make((3, 4, 6), seed=61, dtype=torch.float32)
    check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    first = make((2, 4, 6), seed=67, dtype=torch.float64)
    run(learner, first)
    run(learner, [first[0].flip(0) * 2.0, first[1].flip(0)])


def test_device(learner) -> None:
    """On the meta device (no data, GPU-free): the result stays on the inputs' device."""
    logits, labels = make((2, 3, 5), seed=71, dtype=torch.bfloat16)
    check_device(learner, EX, [logits, labels], (2, 3), torch.float32)
