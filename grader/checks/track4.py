"""What track 4's hidden checks share: (B, T) log-prob inputs with masks (the error for an unknown option is
support.check_option_error, shared with kl_penalty and aggregate_loss)."""

from __future__ import annotations

from typing import Sequence

import torch

from grader.checks.inputs import generator


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
