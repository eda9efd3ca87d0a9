"""Time two commands in one run, alternating, so the noise of a shared machine hits both alike."""

from __future__ import annotations

import subprocess
import time


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # a failing command is no timing
    return time.perf_counter() - start


def alternate(baseline: list[str], target: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Seconds per run of each command, after one warm-up run of each (to fill the page cache)."""
    timed(baseline)
    timed(target)
    base, other = [], []
    for _ in range(repeat):
        base.append(timed(baseline))
        other.append(timed(target))
    return base, other
