"""A batch's time left, from the throughput measured so far, for its progress bar; a single grade's status
line. No torch here.

Why not click's own ETA: click divides the time since the bar appeared by the submissions done, so
its first estimates charge the judge's start-up (torch, the checks: a second or more) to every
submission still to grade, ~10x too long for a class; and it averages its last few estimates, taken
at most once a second, so the error lasts. Here the clock starts once each of the ``jobs`` workers
has finished a submission (each worker's first is slow too: its first learner process, memory not
yet touched), and the time left is the submissions still to grade over those finished per second
since then: a throughput that takes in the workers running side by side, and a submission that
holds one of them up (an infinite loop, until its timeout) as much as it really slows the class.
"""

from __future__ import annotations

import math
import time
from typing import Callable

from grader.i18n import t


def eta_seconds(done: int, total: int, now: float, warmed: float | None, jobs: int) -> float | None:
    """Seconds until all ``total`` submissions are graded, ``done`` of them at ``now``, by ``jobs``
    workers side by side, the ``jobs``-th result having come at ``warmed``; None until measured.

    The first ``jobs`` results are left out: each carries a worker's warm-up, and workers that start
    together finish together, so counting them would promise the rest in a moment.
    """
    if done >= total:
        return 0.0
    first = min(jobs, total)
    if warmed is None or done <= first or now <= warmed:
        return None
    return (total - done) * (now - warmed) / (done - first)


class Throughput:
    """When a batch's submissions finish, for ``eta_seconds``. ``clock``: seconds, monotonic (a test
    passes a fake one)."""

    def __init__(self, total: int, jobs: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.jobs, self.clock = total, max(1, jobs), clock
        self.done = 0
        self.warmed: float | None = None
        self._estimate: tuple[float, float] | None = None  # (time left, when it was measured)

    def finished(self) -> None:
        """One more submission is graded."""
        self.done += 1
        now = self.clock()
        if self.done == min(self.jobs, self.total):
            self.warmed = now
        left = eta_seconds(self.done, self.total, now, self.warmed, self.jobs)
        self._estimate = (left, now) if left is not None else None

    def eta(self) -> float | None:
        """The time left: measured at the last result, counted down since; None once it has run out with
        work still left (a submission is holding its worker up: ``stalled``), or before it is measured."""
        if self.done >= self.total:
            return 0.0
        if self._estimate is None:
            return None
        left, when = self._estimate
        left -= self.clock() - when
        return left if left > 0 else None

    def stalled(self) -> bool:
        """Past the time left, with submissions still being graded: one is slow (a hang until its timeout)."""
        return self._estimate is not None and self.done < self.total and self.eta() is None


def format_left(seconds: float) -> str:
    """``seconds`` as M:SS (H:MM:SS from an hour), rounded up: never "0:00" while work remains."""
    whole = math.ceil(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def status_line(eta: float | None, item: str | None, lang: str, stalled_for: float | None = None) -> str | None:
    """What the bar shows after its position: the time left (once known) and the last submission graded;
    ``stalled_for`` (a call's timeout): past the time left, a slow submission is waited for, up to that."""
    if stalled_for is not None:
        left = t("progress_stalled", lang, seconds=f"{stalled_for:g}")
    else:
        left = t("progress_left", lang, left=format_left(eta)) if eta else None
    parts = [left, item]
    shown = [p for p in parts if p]
    return "  ".join(shown) if shown else None


class SingleGradeLine:
    """A single grade's status line on stderr at a terminal, redrawn as exercises finish and every second
    (a cold grade under load takes many seconds: the screen must not stay blank), cleared at the end."""

    def __init__(self, names: list[str], lang: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.names, self.lang, self.clock = names, lang, clock
        self.done: set[str] = set()
        self.started = clock()
        self.draw()

    def finished(self, result: object) -> None:
        self.done.add(getattr(result, "name", ""))
        self.draw()

    def draw(self) -> None:
        import sys

        from grader.reporting import style

        left = [n for n in self.names if n not in self.done]
        text = t("grading_status" if left else "grading_status_done", self.lang, done=len(self.names) - len(left),
                 total=len(self.names), name=left[0] if left else "", elapsed=format_left(self.clock() - self.started))
        sys.stderr.write("\r\x1b[K" + style.dim(text))
        sys.stderr.flush()

    def clear(self) -> None:
        import sys

        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
