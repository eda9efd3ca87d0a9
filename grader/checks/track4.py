"""What track 4's hidden checks share: (B, T) log-prob inputs with masks, and the error for an unknown
option (a level, a mode, an aggregation)."""

from __future__ import annotations

from typing import Any, Sequence

import torch

from grader import exercises
from grader.checks.inputs import generator
from grader.checks.support import CheckFailure, Text, call, describe_call, where
from grader.isolation.session import LearnerError, LearnerSession


def lengths_mask(lengths: Sequence[int], length: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Right padding: row i has lengths[i] real tokens."""
    return (torch.arange(length)[None] < torch.tensor(list(lengths), dtype=torch.long)[:, None]).to(dtype)


def mask_of(kind: str, batch: int, length: int, g: torch.Generator) -> torch.Tensor:
    """A float64 0/1 mask: right-padded (every row has a real token), ragged (holes anywhere, every row
    has a real token), all-one, or zero-row (the first row empty)."""
    if kind == "right-padded":
        lengths = torch.randint(1, length + 1, (batch,), generator=g) if length else torch.zeros(batch, dtype=torch.long)
        return lengths_mask(lengths.tolist(), length)
    if kind == "ragged":
        mask = (torch.rand(batch, length, generator=g) < 0.6).double()
        if length:
            mask[torch.arange(batch), torch.randint(0, length, (batch,), generator=g)] = 1.0
        return mask
    mask = torch.ones(batch, length, dtype=torch.float64)
    if kind == "zero-row" and batch:
        mask[0] = 0.0
    return mask


def policy_pair(batch: int, length: int, seed: int, spread: float = 0.3, clamp: float = 1.5
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Generator]:
    """(logp, other): float64 log-probs in [-4.1, -0.1] and another policy's, log-ratios ~ N(0, spread)
    clamped to +-clamp; the generator, for what the check draws next."""
    g = generator(seed)
    logp = -(0.1 + 4.0 * torch.rand(batch, length, generator=g, dtype=torch.float64))
    other = logp - (spread * torch.randn(batch, length, generator=g, dtype=torch.float64)).clamp(-clamp, clamp)
    return logp, other, g


def check_option_error(learner: LearnerSession, exercise: str, args: Sequence[Any], option: str,
                       values: Sequence[str]) -> None:
    """An unknown ``option`` must raise ValueError whose message names every one of ``values``."""
    shown = describe_call(exercise, args)
    listed = ", ".join(values)
    try:
        learner.call(exercise, list(args))
    except LearnerError as exc:
        detail = exc.detail
        if exc.kind == "exception" and detail.get("type") == "ValueError":
            message = str(detail.get("message", ""))
            if all(v in message for v in values):
                return
            raise CheckFailure("check_option_error_names", call=shown, option=option, values=listed,
                               message=message) from None
        if exc.kind == "exception" and detail.get("type") not in ("NotATensor", "TensorSubclass"):
            wrong = Text("check_option_error_type", call=shown, option=option, values=listed,
                         type=detail.get("type"), message=str(detail.get("message", "")))
            if detail.get("type") == "NotImplementedError":
                raise CheckFailure("check_not_implemented", if_it_ran=wrong,
                                   function=exercises.get(exercise).function, where=where(detail)) from None
            raise CheckFailure(wrong.key, **wrong.fields) from None
        call(learner, exercise, args)  # any other failure, worded as every check words it
    raise CheckFailure("check_option_error", call=shown, option=option, values=listed)
