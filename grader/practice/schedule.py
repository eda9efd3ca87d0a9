"""How an attempt at an exercise is rated for FSRS, and which exercises come next. Pure functions."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping

# A closed-book pass, first try, without hints, within five minutes: recall at interview speed.
FAST_SECONDS = 300.0


def rating(passed: bool, gave_up: bool, closed_book: bool, hints: int, seconds: float | None,
           attempts: int) -> str | None:
    """The FSRS rating of one attempt, or None when it says nothing about recall.

    A give-up is Again; a closed-book pass with hints is Hard, without hints Good, and Easy when it
    was fast and right first time. A guided pass (the formula was on the page) and an attempt that
    was interrupted before it passed are recorded but not rated.
    """
    if not passed:
        return "again" if gave_up else None
    if not closed_book:
        return None
    if hints:
        return "hard"
    if seconds is not None and seconds <= FAST_SECONDS and attempts == 1:
        return "easy"
    return "good"


def order(names: Iterable[str], due: list[str], seen: Mapping[str, datetime]) -> list[str]:
    """Exercises in the order an interview should take them: those due (longest overdue first),
    then those never attempted (in curriculum order), then the rest, soonest due first."""
    names = list(names)
    due_now = [n for n in due if n in names]
    fresh = [n for n in names if n not in seen and n not in due_now]
    rest = sorted((n for n in names if n in seen and n not in due_now), key=lambda n: (seen[n], names.index(n)))
    return due_now + fresh + rest
