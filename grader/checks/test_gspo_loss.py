"""Hidden checks of gspo_loss, GSPO's length-normalised sequence ratio clipped per sequence (track 4)."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.support import (call, check_device, check_policy_grad, check_result, check_unmodified, reference,
                                   reference_with_grads)
from grader.checks.track4 import lengths_mask, mask_of, policy_pair

pytestmark = pytest.mark.exercise("gspo_loss")
EX = "gspo_loss"


def make(batch: int, length: int, seed: int, dtype: torch.dtype = torch.float64, mask_kind: str = "right-padded",
         spread: float = 0.3, per_token: bool = False) -> list[torch.Tensor]:
    """(logp, old_logp, advantages, mask): mean log-ratios of both signs (some responses clipped at the
    graded ranges, some not), advantages of both signs, (B,) or (B, T)."""
    logp, old, g = policy_pair(batch, length, seed, spread)
    shape = (batch, length) if per_token else (batch,)
    adv = 1.5 * torch.randn(*shape, generator=g, dtype=torch.float64)
    mask = mask_of(mask_kind, batch, length, g)
    old = torch.where(mask > 0, old, old + 2.0)  # a gap at padding: it must not count
    return [t.to(dtype) for t in (logp, old, adv, mask)]


def scale(tensors: list[torch.Tensor]) -> torch.Tensor:
    """The size of what a correct computation rounds: the ratio times the advantage and the log-probs its
    log is summed from."""
    logp, old, adv, mask = (t.double() for t in tensors)
    if logp.numel() == 0:
        return torch.tensor(1.0, dtype=torch.float64)
    real = mask > 0
    log_s = torch.where(real, logp - old, torch.zeros_like(logp)).sum(-1) / real.sum(-1).clamp(min=1)
    terms = torch.where(real, logp.abs() + old.abs(), torch.zeros_like(logp)).amax()
    return (1.0 + log_s.exp().max() * (1.0 + adv.abs().max())) * (1.0 + terms)


def args_of(tensors: list, clip_eps: float = 0.2, clip_eps_high: float | None = None, token_form: bool = False) -> list:
    return [*tensors, clip_eps, clip_eps_high, token_form]


def run(learner, args: list, want: torch.Tensor | None = None) -> None:
    tensors = args[:4]
    want = reference(EX)(*[t.double() for t in tensors], *args[4:]) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, tensors[0].dtype, scale(tensors))


def scalar(x: float) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64)


def test_hand_examples(learner) -> None:
    # Row 0: mean log-ratio (0.2 + 0.1 + 0) / 3 = 0.1, s = e^0.1, A = 1; row 1: (0 - 0.2) / 2 = -0.1, s = e^-0.1,
    # A = -1 (its padding, a gap of 8, does not count). clip 0.05: both clipped -> (-1.05 + 0.95) / 2.
    t = lambda *rows: torch.tensor(rows, dtype=torch.float64)  # noqa: E731
    logp, old = t([-1.0, -2.0, -0.5], [-0.3, -1.2, -9.0]), t([-1.2, -2.1, -0.5], [-0.3, -1.0, -1.0])
    mask, adv = t([1.0, 1.0, 1.0], [1.0, 1.0, 0.0]), torch.tensor([1.0, -1.0], dtype=torch.float64)
    run(learner, args_of([logp, old, adv, mask], 0.05), scalar(-0.05))
    # clip 0.2: neither clipped -> (-e^0.1 + e^-0.1) / 2; the token form gives the same.
    want = scalar((-math.exp(0.1) + math.exp(-0.1)) / 2)
    run(learner, args_of([logp, old, adv, mask], 0.2), want)
    run(learner, args_of([logp, old, adv, mask], 0.2, None, True), want)
    # Asymmetric: clip_eps 0.2 below, 0.05 above: row 0 clipped at 1.05, row 1 not.
    run(learner, args_of([logp, old, adv, mask], 0.2, 0.05), scalar((-1.05 + math.exp(-0.1)) / 2))


@pytest.mark.parametrize("token_form,dtype,mask_kind", [
    (False, "float64", "right-padded"), (False, "float32", "ragged"), (False, "float64", "all-one"),
    (True, "float64", "right-padded"), (True, "float32", "ragged"),
], ids=lambda v: str(v))
def test_matches_reference(learner, token_form: bool, dtype: str, mask_kind: str) -> None:
    for k, (clip_eps, high) in enumerate([(0.2, None), (0.1, 0.3), (0.05, None)]):
        tensors = make(6, 7, seed=11 + k + 5 * len(mask_kind), dtype=getattr(torch, dtype), mask_kind=mask_kind)
        run(learner, args_of(tensors, clip_eps, high, token_form))


@pytest.mark.parametrize("token_form", [False, True])
def test_paper_clip_ranges(learner, token_form: bool) -> None:
    """GSPO's own ranges, 3e-4 below and 4e-4 above, with a mismatch small enough that some responses stay
    inside them."""
    tensors = make(8, 6, seed=23, spread=0.0008)
    run(learner, args_of(tensors, 3e-4, 4e-4, token_form))


def test_token_form_with_per_token_advantages(learner) -> None:
    """GSPO-token with (B, T) advantages: each token's own advantage, clipped per token, seq-mean-token-mean."""
    for k, (clip_eps, high) in enumerate([(0.2, None), (0.05, 0.1)]):
        tensors = make(5, 6, seed=29 + k, per_token=True)
        run(learner, args_of(tensors, clip_eps, high, True))


@pytest.mark.parametrize("token_form,per_token,clip_eps", [(False, False, 0.2), (False, False, 0.05),
                                                           (True, False, 0.1), (True, True, 0.1)],
                         ids=["sequence", "sequence-clipped", "token", "token-per-token-A"])
def test_gradients(learner, token_form: bool, per_token: bool, clip_eps: float) -> None:
    """d loss / d logp against the reference's: -A s_i / (n_i B) on each real token where the clip is not
    active, 0 where it is and at padding; nothing flows into old_logp or the advantages."""
    tensors = make(5, 6, seed=31, mask_kind="ragged", per_token=per_token)
    args = args_of(tensors, clip_eps, None, token_form)
    grad_output = torch.tensor(1.0, dtype=torch.float64)
    want, (want_grad,) = reference_with_grads(EX, args, [True] + [False] * 6, grad_output)
    result = call(learner, EX, args, grad=[True, True, True, False, False, False, False], grad_output=grad_output)
    check_result(EX, args, result, want, torch.float64, scale(tensors))
    check_policy_grad(EX, args, result, want_grad, scale(tensors), ("old_logp", "advantages"))


def test_padding_values_do_not_count(learner) -> None:
    """Other finite log-probs at padding change nothing, in either form."""
    tensors = make(4, 6, seed=37)
    logp, old, adv, mask = tensors
    pad = mask == 0
    noisy = [torch.where(pad, logp - 3.0, logp), torch.where(pad, old + 1.5, old), adv, mask]
    for token_form in (False, True):
        run(learner, args_of(noisy, 0.1, None, token_form), reference(EX)(*tensors, 0.1, None, token_form))


def test_long_and_short_responses(learner) -> None:
    """Responses of 1 and 60 tokens with the same per-token mismatch share one scale: the ratio is a mean."""
    logp, old, g = policy_pair(4, 60, 41, spread=0.05)
    mask = lengths_mask([60, 1, 30, 2], 60)
    adv = torch.tensor([1.0, 1.0, -0.5, -2.0], dtype=torch.float64)
    for token_form in (False, True):
        run(learner, args_of([logp, old, adv, mask], 0.02, None, token_form))


@pytest.mark.parametrize("token_form", [False, True])
def test_large_ratios(learner, token_form: bool) -> None:
    """Mean log-ratios of 12 and -12 with negative advantages: the unclipped branch, s = e^12 (verl clamps
    log s at 10)."""
    logp = torch.full((3, 4), -1.0, dtype=torch.float64)
    old = logp - torch.tensor([[12.0] * 4, [-12.0] * 4, [11.0, 13.0, 12.0, 0.0]], dtype=torch.float64)
    mask = lengths_mask([4, 4, 3], 4)
    adv = torch.tensor([-1.0, -0.5, -2.0], dtype=torch.float64)
    run(learner, args_of([logp, old, adv, mask], 0.2, None, token_form))


@pytest.mark.parametrize("shape,kind", [((3, 4), "zero"), ((0, 4), "zero"), ((3, 0), "zero"), ((4, 5), "zero-row")],
                         ids=["zero-mask", "no-sequences", "no-tokens", "empty-row"])
def test_empty(learner, shape: tuple, kind: str) -> None:
    """Nothing to average: 0, never NaN; a row without real tokens counts as a response of loss 0 (verl's and
    OpenRLHF's means leave it out instead)."""
    logp, old, adv, _ = make(*shape, seed=43, dtype=torch.float32)
    mask = torch.zeros(shape) if kind == "zero" else mask_of("zero-row", *shape, torch.Generator()).float()
    for token_form in (False, True):
        want = None if kind == "zero-row" else torch.tensor(0.0, dtype=torch.float64)
        run(learner, args_of([logp, old, adv, mask], 0.2, None, token_form), want)


def test_inputs_unmodified(learner) -> None:
    tensors = make(4, 4, seed=47)
    for token_form in (False, True):
        args = args_of(tensors, 0.1, 0.2, token_form)
        check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    tensors = make(3, 5, seed=53)
    run(learner, args_of(tensors))
    run(learner, args_of([t.flip(0) for t in tensors], 0.05))


def test_device(learner) -> None:
    tensors = [t.float() for t in make(3, 4, seed=59)]
    for token_form in (False, True):
        check_device(learner, EX, args_of(tensors, 0.2, None, token_form), (), torch.float32)
