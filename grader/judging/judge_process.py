"""Ending a judge process (grading.py's cold judge, warm.py's warm one) when its caller is interrupted.

The judge runs in a session of its own, so a Ctrl-C at the terminal reaches only the command line; the
command line then ends the judge with ``end``: SIGTERM first, which the judge turns into an unwinding
KeyboardInterrupt (``stop_on_sigterm``: its learner sessions close, its zygote ends its learner
processes, its temporary copies are removed), then SIGKILL to its whole process group (a batch's judge
workers are in it) if it has not ended within ``grace`` seconds. What the judge started and outlives it
ends with it: the zygote and the learner processes die with their parents (PR_SET_PDEATHSIG), bubblewrap
with the judge (--die-with-parent). ``watch_parent`` covers a caller killed outright, which can end
nothing: the judge then ends itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from typing import Iterator


def end(proc: subprocess.Popen, grace: float = 1.0) -> None:
    """End the judge ``proc`` (started with start_new_session=True) and its process group within about
    ``grace`` seconds: SIGTERM, time to clean up, then SIGKILL to whatever is left. Reaped on return."""
    deadline = time.monotonic() + grace
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    while time.monotonic() < deadline and _signal_group(proc.pid, 0):  # a batch's workers, cleaning up
        time.sleep(0.02)
    _signal_group(proc.pid, signal.SIGKILL)
    proc.wait()


@contextmanager
def no_interrupts() -> Iterator[None]:
    """A second Ctrl-C while the first one's clean-up runs is ignored (in the main thread, where
    signals arrive), so that the clean-up is never cut short; the handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to process group ``pgid``; whether any process was left in it."""
    try:
        os.killpg(pgid, sig)
        return True
    except OSError:
        return False


def stop_on_sigterm() -> None:
    """In a judge: SIGTERM unwinds like Ctrl-C, so that every ``with``/``finally`` on the way cleans up."""

    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the clean-up itself must not be cut short
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def watch_parent(parent: int | None, every: float = 0.25) -> None:
    """In a judge: end its process group as soon as its caller (pid ``parent``) is gone, say killed
    before it could end the judge. A thread, not PR_SET_PDEATHSIG: that follows the parent *thread*,
    and a warm judge may be started from a thread that ends long before its caller does."""
    if not parent:
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="kldrill-parent-watch", daemon=True).start()
