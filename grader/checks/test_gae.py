"""Hidden checks of gae: advantages and returns over right-padded responses, no whitening."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.multi import check_device_parts, check_parts, parts_of
from grader.checks.support import (LearnerError, Text, call, check_unmodified, close_at_core, describe_call, miss,
                                   reference)

pytestmark = pytest.mark.exercise("gae")
EX = "gae"
PARTS = ["advantages", "returns"]


def make(lengths: list[int], length: int, dtype: torch.dtype, seed: int, padding: float = 3.0) -> list:
    """Rewards (the score on the last real token, small penalties elsewhere), values, and a mask; at
    padding, finite values far from the real ones (a leak shows)."""
    g = generator(seed)
    batch = len(lengths)
    mask = (torch.arange(length)[None, :] < torch.tensor(lengths, dtype=torch.long)[:, None]).to(torch.float64)
    rewards = 0.05 * torch.randn(batch, length, generator=g, dtype=torch.float64)
    last = (torch.tensor(lengths, dtype=torch.long) - 1).clamp(min=0)
    if length:
        rewards[torch.arange(batch), last] += torch.randn(batch, generator=g, dtype=torch.float64)
    values = 0.5 * torch.randn(batch, length, generator=g, dtype=torch.float64)
    junk = padding * (1 + torch.rand(batch, length, generator=g, dtype=torch.float64))
    rewards, values = torch.where(mask > 0, rewards, junk), torch.where(mask > 0, values, -junk.flip(1))
    return [rewards.to(dtype), values.to(dtype), mask.to(dtype)]


def scales(args: list) -> list:
    """Rounding grows with the sum of the terms a row's scan adds up: |r| and |V| (twice: in delta_t and
    delta_{t-1}) over the whole row."""
    rewards, values, mask = (a.double() for a in args[:3])
    row = (rewards.abs() + 2 * values.abs()).mul(mask).sum(1, keepdim=True)
    s = (1.0 + row).expand_as(rewards)
    return [s, s + values.abs()]


def expected(args: list) -> list:
    return [o.double() for o in reference(EX)(*[a.double() if isinstance(a, torch.Tensor) else a for a in args])]


def run(learner, args: list, gamma: float, lam: float, wants: list | None = None, again: bool = False) -> None:
    """The advantages and returns on the real tokens (the maths); then two conventions: advantages as GAE
    gives them, not whitened (verl whitens inside), and exactly 0 at padding (verl leaves returns = A + V
    there, for its losses to mask)."""
    full = [*args, gamma, lam]
    result = call(learner, EX, full)
    wants = list(wants or expected(full))
    mask = args[2]
    dtype = args[0].dtype
    outs = parts_of(result.out)
    if len(outs) == len(wants) and all(o.shape == w.shape for o, w in zip(outs, wants)):
        real = mask > 0

        def follows(want: torch.Tensor) -> bool:  # the advantages on the real tokens, at core tolerance
            return close_at_core(full, torch.where(real, outs[0].double(), want), want, dtype, scales(full)[0])

        if not follows(wants[0]):
            whitened = next((w for w in whiten(wants[0], mask) if follows(w)), None)
            if whitened is not None:
                miss("whitening", Text("check_whitened", call=describe_call(EX, full)))
                wants[0] = torch.where(real, whitened, wants[0])
        for part, out in zip(PARTS, outs):
            leaked = ~real & (out != 0)
            if bool(leaked.any()):
                i, j = (int(v) for v in leaked.nonzero()[0])
                miss("padding", Text("check_padding_not_zero", call=describe_call(EX, full) + f" ({part})",
                                     index=(i, j), got=f"{float(out[i, j]):.6g}", count=int(leaked.sum())))
                break
        # The values at padding are the convention's: the parts are checked on the real tokens.
        result = replace(result, out=tuple(torch.where(real, o, w.to(o.dtype)) for o, w in zip(outs, wants)))
    check_parts(EX, full, result, wants, dtype, scales(full), PARTS, again)


def whiten(advantages: torch.Tensor, mask: torch.Tensor) -> list[torch.Tensor]:
    """The advantages whitened over every real token of the batch: the mean removed and divided by the
    Bessel-corrected std (verl's and TRL's masked_whiten), or by the population std."""
    m = mask.double()
    count = m.sum()
    if count < 2:
        return []
    mean = (advantages * m).sum() / count
    var = (((advantages - mean) ** 2) * m).sum() / count
    return [(advantages - mean) / (var * count / (count - 1)).sqrt(), (advantages - mean) / var.sqrt()]


def test_hand_examples(learner) -> None:
    # Row 0 (full): delta = [0.04, 0.03, 0.3], A = [0.21712, 0.246, 0.3] (gamma lam = 0.72), returns A + V.
    # Row 1 (2 real tokens): delta_1 = 1 - 0.6 (no bootstrap from the padding's value), A = [0.328, 0.4, 0].
    t = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731
    run(learner, [t([[0.0, 0.0, 1.0], [0.0, 1.0, 5.0]]), t([[0.5, 0.6, 0.7], [0.5, 0.6, 9.0]]),
                  t([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])], 0.9, 0.8,
        [t([[0.21712, 0.246, 0.3], [0.328, 0.4, 0.0]]), t([[0.71712, 0.846, 1.0], [0.828, 1.0, 0.0]])])


@pytest.mark.parametrize("dtype,lengths,length,gamma,lam", [
    ("float32", [6, 4, 1, 2], 6, 0.99, 0.95), ("float64", [5, 5, 3], 5, 0.9, 0.7), ("float64", [1, 1, 1], 1, 1.0, 1.0),
    ("float32", [7, 2, 5, 7, 3], 7, 1.0, 0.95), ("float64", [4, 2], 4, 0.5, 0.0), ("float64", [4, 3], 4, 0.0, 0.9),
    ("bfloat16", [5, 2, 4], 5, 0.99, 0.95),
], ids=lambda v: str(v).replace(" ", ""))
def test_matches_reference(learner, dtype: str, lengths: list, length: int, gamma: float, lam: float) -> None:
    dt = getattr(torch, dtype)
    run(learner, make(lengths, length, dt, seed=sum(lengths) + length), gamma, lam)


@pytest.mark.parametrize("lengths,length", [([6, 4, 1, 0], 6), ([1, 0, 1], 1)], ids=lambda v: str(v).replace(" ", ""))
def test_empty_rows(learner, lengths: list, length: int) -> None:
    """Rows without a real token among ordinary ones: advantages and returns 0 there."""
    run(learner, make(lengths, length, torch.float32, seed=sum(lengths) + length), 0.99, 0.95)


def test_monte_carlo_limit(learner) -> None:
    """gamma = lam = 1: A_t = (sum of the rewards from t to the row's end) - V_t, returns the reward-to-go."""
    args = make([5, 3, 2], 5, torch.float64, seed=31)
    rewards, values, mask = args
    togo = (rewards * mask).flip(1).cumsum(1).flip(1)
    run(learner, args, 1.0, 1.0, [(togo - values) * mask, togo * mask])


def test_one_step_limit(learner) -> None:
    """lam = 0: A_t = delta_t, the one-step TD error (bootstrapped only inside the response)."""
    args = make([4, 2, 4], 4, torch.float64, seed=33)
    rewards, values, mask = args
    next_v = torch.cat([values[:, 1:] * mask[:, 1:], torch.zeros(3, 1, dtype=torch.float64)], 1)
    delta = (rewards + 0.9 * next_v - values) * mask
    run(learner, args, 0.9, 0.0, [delta, (delta + values) * mask])


def test_long_responses(learner) -> None:
    """T = 256 in float32 (gamma lam close to 1: a long memory)."""
    run(learner, make([256, 100, 1, 255], 256, torch.float32, seed=35), 1.0, 0.99)


def test_large_padding_values(learner) -> None:
    run(learner, make([3, 1, 4, 2], 4, torch.float32, seed=37, padding=1e4), 0.95, 0.9)


def test_empty_batch(learner) -> None:
    run(learner, make([], 5, torch.float32, seed=39), 0.9, 0.9)


def test_no_positions(learner) -> None:
    """T = 0: (B, 0) results; raising is accepted (an empty stack)."""
    args = [*make([0, 0], 0, torch.float32, seed=41), 0.9, 0.9]
    try:
        learner.call(EX, list(args))
    except LearnerError as exc:
        if exc.kind == "exception" and exc.detail.get("type") not in ("NotATensor", "TensorSubclass",
                                                                       "NotImplementedError", "NotATuple",
                                                                       "WrongCount"):
            return
    run(learner, args[:3], 0.9, 0.9)


def test_inputs_unmodified_square(learner) -> None:
    args = [*make([4, 2, 1, 3], 4, torch.float64, seed=43), 0.9, 0.8]
    check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    rewards, values, mask = make([5, 2, 1, 4], 5, torch.float64, seed=45)
    rows = torch.tensor([3, 0, 1, 2])
    run(learner, [rewards, values, mask], 0.9, 0.8)
    run(learner, [rewards[rows] + 0.5, values[rows], mask[rows]], 0.8, 0.9, again=True)


def test_device(learner) -> None:
    args = [*make([3, 1, 4], 4, torch.float32, seed=47), 0.9, 0.9]
    check_device_parts(learner, EX, args, [(3, 4), (3, 4)], torch.float32)
