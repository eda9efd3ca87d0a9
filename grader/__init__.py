"""kl-drill's grader: hidden checks, an isolated runner for learner code, and the kldrill CLI.

Importing this package is cheap and does not import torch; notebook helpers are loaded on use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.notebook import CheckResult

__all__ = ["check"]


def check(exercise: str, function: Any, **options: Any) -> "CheckResult":
    """Grade a function object (e.g. defined in a notebook) with the hidden checks."""
    from grader.notebook import check as _check

    return _check(exercise, function, **options)
