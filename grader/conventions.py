"""The two tiers of the hidden checks, read from grader/checks/conventions.yaml: which checks are
conventions rather than maths, each convention's name, rule and the frameworks that differ on it, and the
share of an exercise's marks the core alone earns. No torch here: the CLI renders verdicts with it."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import NamedTuple

from grader import datafile

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checks", "conventions.yaml")


class Convention(NamedTuple):
    id: str
    name: dict[str, str]
    rule: dict[str, str]
    frameworks: dict[str, str]


@lru_cache(maxsize=None)
def _raw() -> dict:
    return datafile.load(SOURCE)


@lru_cache(maxsize=None)
def all_conventions() -> dict[str, Convention]:
    return {cid: Convention(cid, c["name"], c["rule"], c["frameworks"]) for cid, c in _raw()["conventions"].items()}


def get(convention: str) -> Convention:
    return all_conventions()[convention]


def core_share() -> float:
    """The share of an exercise's marks that its core checks alone earn."""
    return float(_raw()["core_share"])


def of_exercise(exercise: str) -> tuple[str, ...]:
    """The conventions ``exercise``'s checks can miss, in the order a verdict names them."""
    return tuple(_raw()["exercises"].get(exercise, ()))


def of_check(exercise: str, check: str) -> str | None:
    """The convention a whole check tests (its name as the verdict prints it), or None for a core check."""
    for pattern, convention in (_raw()["checks"].get(exercise) or {}).items():
        if _pattern(pattern).fullmatch(check):
            return convention
    return None


@lru_cache(maxsize=None)
def _pattern(pattern: str) -> re.Pattern:
    """A check pattern: literal but for ``*`` (any text), so ``broadcasting[(2,0)x(1,)]`` is one name."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))
