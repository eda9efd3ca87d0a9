"""Hidden checks of grpo_loss, GRPO's clipped surrogate plus its KL penalty (track 2)."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import (call, check_device, check_policy_grad, check_result, check_unmodified, reference,
                                   reference_with_grads)

pytestmark = pytest.mark.exercise("grpo_loss")
EX = "grpo_loss"
MODES = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "dr-grpo")


def make(batch: int, length: int, seed: int, dtype: torch.dtype = torch.float64, mask_kind: str = "right-padded",
         spread: float = 0.35) -> list[torch.Tensor]:
    """(logp, old_logp, ref_logp, advantages, mask): ratios spread around 1 (both clip sides reached) but
    below 2.9, where verl's dual-clip (at 3) would begin (that has a check of its own), |ref - logp| <= 2,
    advantages of both signs, a real token in every row (empty rows: the convention `empty`)."""
    g = generator(seed)
    logp = -(0.1 + 4.0 * torch.rand(batch, length, generator=g, dtype=torch.float64))
    old = logp + (spread * torch.randn(batch, length, generator=g, dtype=torch.float64)).clamp(-1.05, 1.05)
    ref = logp + (0.8 * torch.randn(batch, length, generator=g, dtype=torch.float64)).clamp(-2.0, 2.0)
    adv = 1.5 * torch.randn(batch, generator=g, dtype=torch.float64)
    if mask_kind == "right-padded":
        lengths = (torch.randint(1, length + 1, (batch,), generator=g) if length
                   else torch.zeros(batch, dtype=torch.long))
        mask = (torch.arange(length)[None] < lengths[:, None]).double()
    elif mask_kind == "ragged":
        mask = (torch.rand(batch, length, generator=g) < 0.6).double()
        if length:
            mask[torch.arange(batch), torch.randint(0, length, (batch,), generator=g)] = 1.0
    elif mask_kind == "zero-row":
        mask = torch.ones(batch, length, dtype=torch.float64)
        mask[0] = 0.0
    else:
        mask = torch.ones(batch, length, dtype=torch.float64)
    return [t.to(dtype) for t in (logp, old, ref, adv, mask)]


def scale(tensors: list[torch.Tensor], beta: float) -> torch.Tensor:
    logp, old, ref, adv, mask = (t.double() for t in tensors)
    if logp.numel() == 0:
        return torch.tensor(1.0, dtype=torch.float64)
    ratio = (logp - old).exp().max()
    k3 = (ref - logp).exp().max() + 3.0
    return logp.shape[-1] * (1.0 + ratio * adv.abs().max() * (1.0 + logp.abs().max()) + abs(beta) * k3)


def args_of(tensors: list, clip_eps: float = 0.2, beta: float = 0.04, mode: str = "seq-mean-token-mean",
            clip_eps_high: float | None = None) -> list:
    return [*tensors, clip_eps, beta, mode, clip_eps_high]


def run(learner, args: list, want: torch.Tensor | None = None) -> None:
    tensors, beta = args[:5], args[6]
    want = reference(EX)(*[t.double() for t in tensors], *args[5:]) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, tensors[0].dtype, scale(tensors, beta))


def test_hand_examples(learner) -> None:
    # One sequence, two tokens, ref = logp (no KL): rho = [e^0.5, 1].
    # A = 1: min(1.6487, 1.2) = 1.2 and 1 -> loss -(1.2 + 1) / 2 = -1.1.
    # A = -1: min(-1.6487, -1.2) = -1.6487 and -1 -> loss (1.6487 + 1) / 2.
    t = lambda *rows: torch.tensor(rows, dtype=torch.float64)  # noqa: E731
    logp, old, mask = t([-1.0, -2.0]), t([-1.5, -2.0]), t([1.0, 1.0])
    run(learner, args_of([logp, old, logp, torch.tensor([1.0], dtype=torch.float64), mask]),
        torch.tensor(-1.1, dtype=torch.float64))
    run(learner, args_of([logp, old, logp, torch.tensor([-1.0], dtype=torch.float64), mask]),
        torch.tensor((math.exp(0.5) + 1) / 2, dtype=torch.float64))
    # The KL alone: rho = 1, A = 0, ref - logp = [1, -1]: k3 = [e - 2, 1/e], beta 0.5, token-mean.
    run(learner, args_of([logp, logp, logp + t([1.0, -1.0]), torch.zeros(1, dtype=torch.float64), mask],
                         beta=0.5, mode="token-mean"),
        torch.tensor(0.5 * (math.e - 2 + 1 / math.e) / 2, dtype=torch.float64))


@pytest.mark.parametrize("dtype,mask_kind", [("float64", "right-padded"), ("float32", "ragged"),
                                             ("float64", "ragged"), ("float32", "all-one")], ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, mask_kind: str) -> None:
    """Each aggregation mode on one mask pattern (the message names the mode)."""
    for mode in MODES:
        tensors = make(5, 7, seed=len(mode) + len(mask_kind) * 3, dtype=getattr(torch, dtype), mask_kind=mask_kind)
        run(learner, args_of(tensors, mode=mode))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_empty_rows(learner, dtype: str) -> None:
    """A row without a real token (a response truncated to nothing) counts as a sequence of loss 0, in
    every mode (verl's agg_loss leaves it out of the seq-mean instead)."""
    for mode in MODES:
        tensors = make(5, 7, seed=len(mode) + 30, dtype=getattr(torch, dtype), mask_kind="zero-row")
        run(learner, args_of(tensors, mode=mode))


@pytest.mark.parametrize("mode", ["token-mean", "seq-mean-token-mean"])
def test_large_ratios(learner, mode: str) -> None:
    """Ratios up to e^2 = 7.4 with advantages of both signs: with A < 0 the loss keeps growing with the
    ratio (no dual-clip: verl caps it at -3 A by default)."""
    tensors = make(4, 6, seed=43)
    logp, old, ref, adv, mask = tensors
    u = torch.linspace(-2.0, 2.0, 24, dtype=torch.float64).reshape(4, 6)  # the last row's ratios: 3.7 to 7.4
    adv = torch.tensor([1.0, 0.75, -0.5, -1.5], dtype=torch.float64)
    run(learner, args_of([logp, logp - u, ref, adv, mask], beta=0.04, mode=mode))


@pytest.mark.parametrize("clip_eps,beta,clip_eps_high", [(0.2, 0.0, None), (0.1, 0.1, None), (0.2, 0.04, 0.28),
                                                         (0.3, 1.0, 0.5)], ids=lambda v: str(v))
def test_coefficients(learner, clip_eps: float, beta: float, clip_eps_high: float | None) -> None:
    """beta = 0 (no KL), a large beta (the KL's weight shows), DAPO's clip-higher 0.28."""
    tensors = make(4, 6, seed=17, spread=0.5)
    run(learner, args_of(tensors, clip_eps, beta, "seq-mean-token-mean", clip_eps_high))
    run(learner, args_of(tensors, clip_eps, beta, "token-mean", clip_eps_high))


def test_padding_values_do_not_count(learner) -> None:
    """Other (finite) values at padding positions change nothing, the KL term's included, in any mode."""
    for mode in MODES:
        _padding_case(learner, mode)


def _padding_case(learner, mode: str) -> None:
    tensors = make(4, 6, seed=19)
    logp, old, ref, adv, mask = tensors
    pad = mask == 0
    noisy = [torch.where(pad, logp - 1.5, logp), torch.where(pad, old + 0.7, old), torch.where(pad, ref - 1.5, ref),
             adv, mask]
    want = reference(EX)(*tensors, 0.2, 0.1, mode, None)
    run(learner, args_of(noisy, beta=0.1, mode=mode), want)


@pytest.mark.parametrize("shape,kind", [((3, 4), "zero"), ((0, 4), "zero"), ((3, 0), "zero")],
                         ids=["zero-mask", "no-sequences", "no-tokens"])
def test_empty_gives_zero(learner, shape: tuple, kind: str) -> None:
    """Nothing to average: 0, never NaN, in every mode."""
    logp, old, ref, adv, _ = make(*shape, seed=23, dtype=torch.float32)
    for mode in MODES:
        run(learner, args_of([logp, old, ref, adv, torch.zeros(shape)], mode=mode),
            torch.tensor(0.0, dtype=torch.float64))


@pytest.mark.parametrize("mode,beta,clip_eps_high", [("seq-mean-token-mean", 0.04, None), ("token-mean", 0.5, 0.28),
                                                      ("dr-grpo", 0.0, None)], ids=lambda v: str(v))
def test_gradients(learner, mode: str, beta: float, clip_eps_high: float | None) -> None:
    """d loss / d logp equals the reference's (0 where the clipped branch is taken), and nothing flows into
    old_logp, ref_logp or advantages, even when they require grad."""
    tensors = make(4, 5, seed=29, mask_kind="ragged", spread=0.5)
    args = args_of(tensors, 0.2, beta, mode, clip_eps_high)
    flags = [True, True, True, True, False, False, False, False, False]
    grad_output = torch.tensor(1.0, dtype=torch.float64)
    want, (want_grad,) = reference_with_grads(EX, args, [True] + [False] * 8, grad_output)
    result = call(learner, EX, args, grad=flags, grad_output=grad_output)
    check_result(EX, args, result, want, torch.float64, scale(tensors, beta))
    check_policy_grad(EX, args, result, want_grad, scale(tensors, beta), ("old_logp", "ref_logp", "advantages"))


def test_inputs_unmodified(learner) -> None:
    tensors = make(4, 4, seed=31)
    args = args_of(tensors, 0.2, 0.04, "token-mean", 0.28)
    check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    tensors = make(3, 5, seed=37)
    run(learner, args_of(tensors))
    run(learner, args_of([t.flip(0) for t in tensors], beta=0.2))


def test_device(learner) -> None:
    tensors = [t.float() for t in make(3, 4, seed=41)]
    check_device(learner, EX, args_of(tensors), (), torch.float32)
