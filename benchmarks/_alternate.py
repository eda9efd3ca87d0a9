"""Time two commands in one run, alternating, so the noise of a shared machine hits both alike."""

from __future__ import annotations

import subprocess
import time


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # a failing command is no timing
    return time.perf_counter() - start


def alternate(baseline: list[str], target: list[str], repeat: int, *more: list[str]
              ) -> tuple[list[float], ...]:
    """Seconds per run of each command (the baseline, the target, then ``more``), after one warm-up
    run of each (to fill the page cache)."""
    commands = [baseline, target, *more]
    for command in commands:
        timed(command)
    runs: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, times in zip(commands, runs):
            times.append(timed(command))
    return tuple(runs)
