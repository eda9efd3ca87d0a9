"""Hidden checks of is_weights, truncated or masked importance weights for the rollout/trainer mismatch
(track 4)."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import (CheckFailure, Text, call, check_device, check_option_error, check_result,
                                   check_unmodified, describe_call, fmt_num, miss, reference)
from grader.checks.track4 import lengths_mask, mask_of, policy_pair

pytestmark = pytest.mark.exercise("is_weights")
EX = "is_weights"
LEVELS = ("token", "sequence", "geometric")
MODES = ("truncate", "mask")


def make(batch: int, length: int, seed: int, mask_kind: str = "right-padded", spread: float = 0.3,
         dtype: torch.dtype = torch.float64) -> list[torch.Tensor]:
    """(logp_train, logp_rollout, mask): a trainer/rollout mismatch of ordinary size (|u| <= 1.5 per token),
    finite values at padding that differ from the real tokens' (so padding that leaks in shows)."""
    train, rollout, g = policy_pair(batch, length, seed, spread)
    mask = mask_of(mask_kind, batch, length, g)
    pad = mask == 0
    rollout = torch.where(pad, rollout - 2.5, rollout)  # a gap of about 2.5 at padding: it must not count
    return [train.to(dtype), rollout.to(dtype), mask.to(dtype)]


def away_from_cap(tensors: list[torch.Tensor], cap: float) -> float:
    """cap, nudged so that no weight of any level lies within 1e-3 of it (float32 rounding would otherwise
    decide which side of the cap a weight falls, in the mask mode)."""
    for _ in range(100):
        near = False
        for level in LEVELS:
            w = raw_weights(tensors, level)
            real = tensors[2] > 0
            if bool(((w / cap - 1).abs() < 1e-3)[real].any()):
                near = True
        if not near:
            return cap
        cap *= 1.0137
    return cap


def raw_weights(tensors: list[torch.Tensor], level: str) -> torch.Tensor:
    """The weights before truncation or masking (float64), for the scale and the cap's placement."""
    train, rollout, mask = (t.double() for t in tensors)
    real = mask > 0
    u = torch.where(real, train - rollout, torch.zeros_like(train))
    if level == "token":
        return u.exp()
    total = u.sum(-1, keepdim=True)
    if level == "geometric":
        total = total / real.sum(-1, keepdim=True).clamp(min=1)
    return total.exp().expand_as(u)


def scale(tensors: list[torch.Tensor], level: str, cap: float, dtype: torch.dtype) -> torch.Tensor:
    """What a correct float computation rounds: the weight times the log-weight's terms (the row's log-probs
    for a sequence weight), which exp turns into a relative error; and a weight below the dtype's smallest
    normal number may come out 0 (exp(-150) in float32)."""
    train, rollout, mask = (t.double() for t in tensors)
    terms = torch.where(mask > 0, train.abs() + rollout.abs(), torch.zeros_like(train))
    if level != "token":
        terms = terms.sum(-1, keepdim=True).expand_as(train)
    w = raw_weights(tensors, level).clamp(max=cap)
    return w * (1.0 + terms) + torch.finfo(dtype).tiny / torch.finfo(dtype).eps


def run(learner, tensors: list[torch.Tensor], cap: float, level: str, mode: str,
        want: torch.Tensor | None = None) -> None:
    """The weights at real tokens against the reference (core); a finite value at padding other than 0 is the
    convention weight_padding (a loss that multiplies by the mask drops it), NaN or inf there a failure."""
    args = [*tensors, cap, level, mode]
    if want is None:
        want = reference(EX)(*[t.double() for t in tensors], cap, level, mode)
    dtype = torch.promote_types(tensors[0].dtype, tensors[1].dtype)
    result = call(learner, EX, args)
    out = result.out
    real = tensors[2] > 0
    if tuple(out.shape) == tuple(want.shape) and out.is_floating_point():
        padding = ~real & (out != 0)
        if bool(padding.any()):
            i = tuple(int(k) for k in padding.nonzero()[0])
            text = Text("check_weight_at_padding", call=describe_call(EX, args), index=i, got=fmt_num(float(out[i])),
                        count=int(padding.sum()))
            if not bool(torch.isfinite(out[~real]).all()):  # NaN or inf poisons a masked loss too (inf * 0)
                raise CheckFailure(text.key, **text.fields)
            miss("weight_padding", text)
        # (graded at real tokens only; the padding's values were judged just above)
        result = dataclasses.replace(result, out=torch.where(real, out, want.to(out.dtype)))
    check_result(EX, args, result, want, dtype, scale(tensors, level, cap, dtype))


def test_hand_examples(learner) -> None:
    # u = [0.5, -0.2, 0] and [-0.2, -0.2, (padding)]; cap 1.2.
    t = lambda *rows: torch.tensor(rows, dtype=torch.float64)  # noqa: E731
    train, rollout = t([-1.0, -2.0, -0.5], [-0.3, -1.2, -9.0]), t([-1.5, -1.8, -0.5], [-0.1, -1.0, -1.0])
    mask = t([1.0, 1.0, 1.0], [1.0, 1.0, 0.0])
    e = math.exp
    cases = {
        ("token", "truncate"): [[1.2, e(-0.2), 1.0], [e(-0.2), e(-0.2), 0.0]],
        ("token", "mask"): [[0.0, e(-0.2), 1.0], [e(-0.2), e(-0.2), 0.0]],
        ("sequence", "truncate"): [[1.2, 1.2, 1.2], [e(-0.4), e(-0.4), 0.0]],  # e^0.3 = 1.35 > 1.2
        ("sequence", "mask"): [[0.0, 0.0, 0.0], [e(-0.4), e(-0.4), 0.0]],
        ("geometric", "truncate"): [[e(0.1)] * 3, [e(-0.2), e(-0.2), 0.0]],
        ("geometric", "mask"): [[e(0.1)] * 3, [e(-0.2), e(-0.2), 0.0]],
    }
    for (level, mode), want in cases.items():
        run(learner, [train, rollout, mask], 1.2, level, mode, t(*want))


@pytest.mark.parametrize("level,mode", [(lv, md) for lv in LEVELS for md in MODES], ids=lambda v: str(v))
def test_matches_reference(learner, level: str, mode: str) -> None:
    """Each level and mode on float32 and float64, right-padded and ragged masks, and caps that bite."""
    for k, (dtype, mask_kind, cap) in enumerate([(torch.float64, "right-padded", 1.3), (torch.float32, "ragged", 2.0),
                                                  (torch.float32, "right-padded", 1.05), (torch.float64, "all-one", 3.0)]):
        tensors = make(5, 7, seed=11 + 7 * k + len(level), mask_kind=mask_kind, dtype=dtype,
                       spread=0.2 if level == "sequence" else 0.4)
        run(learner, tensors, away_from_cap(tensors, cap), level, mode)


def test_mixed_dtypes(learner) -> None:
    """float32 trainer log-probs against float64 rollout log-probs: a float64 result (torch's promotion)."""
    train, rollout, mask = make(4, 6, seed=31)
    for level in LEVELS:
        cap = away_from_cap([train, rollout, mask], 1.4)
        run(learner, [train.float(), rollout, mask], cap, level, "truncate")


def test_padding_values_do_not_count(learner) -> None:
    """Other finite log-probs at padding change no weight of a real token, at any level."""
    train, rollout, mask = make(4, 6, seed=37, spread=0.4)
    pad = mask == 0
    noisy = [torch.where(pad, train + 3.0, train), torch.where(pad, rollout - 7.0, rollout), mask]
    for level in LEVELS:
        for mode in MODES:
            cap = away_from_cap([train, rollout, mask], 1.5)
            run(learner, noisy, cap, level, mode, reference(EX)(train, rollout, mask, cap, level, mode))


@pytest.mark.parametrize("level", LEVELS)
def test_long_responses(learner, level: str) -> None:
    """Responses of up to 64 tokens with a small mismatch per token: the product of the sequence level
    drifts far from 1 where the geometric mean stays near it."""
    tensors = make(3, 64, seed=41, spread=0.15)
    for mode in MODES:
        run(learner, tensors, away_from_cap(tensors, 2.0), level, mode)


def test_detached(learner) -> None:
    """The weights are constants of the loss: no gradient may reach either input, even if both require grad."""
    tensors = make(3, 5, seed=43)
    for level in LEVELS:
        args = [*tensors, 1.5, level, "truncate"]
        result = call(learner, EX, args, grad=[True, True, False, False, False, False],
                      grad_output=torch.ones(3, 5, dtype=torch.float64))
        leaked = [name for name, g in zip(("logp_train", "logp_rollout"), result.grads or [])
                  if g is not None and bool((g != 0).any())]
        if result.requires_grad or leaked:
            raise CheckFailure("check_weights_not_detached", call=describe_call(EX, args),
                               arg=", ".join(leaked) or "logp_train, logp_rollout")


@pytest.mark.parametrize("level", LEVELS)
def test_large_gaps(learner, level: str) -> None:
    """Gaps u of +-50 between ordinary log-probs: the exact weight, cap or 0, never NaN; in float32 a
    sequence of such gaps passes exp's range before truncation."""
    rollout = torch.tensor([[-60.0, -2.0, -55.0, -1.0], [-5.0, -60.0, -3.0, -1.0], [-2.0, -3.0, -4.0, -5.0]],
                           dtype=torch.float64)
    gaps = torch.tensor([[50.0, -50.0, 50.0, 0.0], [-50.0, 50.0, -20.0, 7.0], [-50.0, -50.0, -50.0, 3.0]],
                        dtype=torch.float64)
    mask = lengths_mask([4, 3, 3], 4)
    for dtype in (torch.float64, torch.float32):
        for mode in MODES:
            run(learner, [(rollout + gaps).to(dtype), rollout.to(dtype), mask.to(dtype)], 2.0, level, mode)


def test_very_negative_log_probs(learner) -> None:
    """float32 log-probs of -120 and -170, where exp underflows to 0: the weight comes from their difference."""
    train = torch.tensor([[-120.0, -170.0, -130.0], [-150.0, -104.0, -1.0]])
    rollout = torch.tensor([[-121.0, -120.0, -130.5], [-149.0, -150.0, -2.0]])
    mask = torch.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
    for level in LEVELS:
        for mode in MODES:
            run(learner, [train, rollout, mask], 3.0, level, mode)


@pytest.mark.parametrize("shape,kind", [((3, 4), "zero"), ((0, 4), "zero"), ((3, 0), "zero"), ((3, 4), "zero-row")],
                         ids=["zero-mask", "no-sequences", "no-tokens", "empty-row"])
def test_empty(learner, shape: tuple, kind: str) -> None:
    """Nothing real: weights of 0 (an empty result for no sequences or tokens), never NaN; a row without
    real tokens next to ordinary ones (the geometric mean divides by its count, clamped at 1)."""
    train, rollout, _ = make(*shape, seed=47, dtype=torch.float32)
    mask = torch.zeros(shape) if kind == "zero" else mask_of("zero-row", *shape, generator(1)).float()
    for level in LEVELS:
        for mode in MODES:
            run(learner, [train, rollout, mask], 2.0, level, mode)


@pytest.mark.parametrize("option", ["level", "mode"])
def test_unknown_option_raises(learner, option: str) -> None:
    tensors = [t.float() for t in make(2, 3, seed=53)]
    if option == "level":
        check_option_error(learner, EX, [*tensors, 2.0, "seq", "truncate"], "level", LEVELS)
    else:
        check_option_error(learner, EX, [*tensors, 2.0, "token", "clip"], "mode", MODES)


def test_inputs_unmodified(learner) -> None:
    tensors = make(4, 5, seed=59)
    for level in LEVELS:
        args = [*tensors, 1.5, level, "mask"]
        check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    """The same shape twice with other values: nothing may be remembered between calls."""
    tensors = make(3, 5, seed=61)
    for level in LEVELS:
        run(learner, tensors, away_from_cap(tensors, 1.5), level, "truncate")
        flipped = [t.flip(0) for t in tensors]
        run(learner, flipped, away_from_cap(flipped, 1.1), level, "mask")


def test_device(learner) -> None:
    """On a stand-in for a GPU: the weights stay on the inputs' device."""
    tensors = [t.float() for t in make(3, 4, seed=67)]
    for level in LEVELS:
        check_device(learner, EX, [*tensors, 2.0, level, "truncate"], (3, 4), torch.float32)
