"""How many cores this process may use: a batch's default number of judge workers. No torch here."""

from __future__ import annotations

import os


def default_jobs() -> int:
    """The cores this process may run on (a container's or a Slurm allocation's, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
