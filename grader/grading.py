"""Grade a submission from any caller (the CLI, a notebook, a test) by running the judge process.

This module never imports torch: the judge process does, and so does the learner's.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from grader import exercises
from grader.isolation.limits import Limits
from grader.results import GradeResult

# on_progress(done, total, result): called in the caller's thread as each submission of a batch finishes.
ProgressCallback = Callable[[int, int, GradeResult], None]


class GradingError(Exception):
    """The grader itself failed (not the submission); the message is one line."""


def _config(names: list[str] | None, lang: str, limits: Limits | None, sandbox: bool) -> dict:
    return {"exercises": names or exercises.names(), "lang": lang, "limits": asdict(limits or Limits()),
            "sandbox": sandbox}


def _run_judge(config: dict, on_line: Callable[[bytes], None] | None = None) -> object:
    """Run the judge on ``config``; its answer. With ``on_line``, the judge also writes one line per
    finished batch entry on a pipe of its own, read here as it comes and handed to ``on_line``."""
    progress_r = progress_w = None
    if on_line is not None:
        progress_r, progress_w = os.pipe()
        config = {**config, "progress_fd": progress_w}
    try:
        proc = subprocess.Popen([sys.executable, "-m", "grader.judge"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                pass_fds=[progress_w] if progress_w is not None else [])
    finally:
        if progress_w is not None:
            os.close(progress_w)
    # The config of a large batch can exceed a pipe's buffer: write it while reading the answers.
    feeder = threading.Thread(target=_feed, args=(proc.stdin, json.dumps(config).encode()), daemon=True)
    feeder.start()
    out, err, pending = bytearray(), bytearray(), bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ, out)
        sel.register(proc.stderr, selectors.EVENT_READ, err)
        if progress_r is not None:
            sel.register(progress_r, selectors.EVENT_READ, pending)
        while sel.get_map():
            for key, _ in sel.select():
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                key.data.extend(chunk)
                if key.data is pending:
                    while b"\n" in pending:
                        line, _, rest = bytes(pending).partition(b"\n")
                        pending[:] = rest
                        on_line(line)
    if progress_r is not None:
        os.close(progress_r)
    code = proc.wait()
    feeder.join()
    if code != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        raise GradingError(lines[-1] if lines else f"the judge exited with status {code}")
    try:
        return json.loads(out)
    except ValueError as exc:
        raise GradingError(f"the judge's answer was unreadable ({exc})") from None


def _feed(stream, data: bytes) -> None:  # noqa: ANN001 - a Popen pipe
    try:
        stream.write(data)
        stream.close()
    except OSError:
        pass  # the judge died before reading; its exit status says why


def grade(path: str | Path, names: list[str] | None = None, lang: str = "en",
          limits: Limits | None = None, sandbox: bool = False, label: str | None = None) -> GradeResult:
    """Grade the workspace or file at ``path`` on ``names`` (default: every exercise)."""
    config = {**_config(names, lang, limits, sandbox), "path": str(path), "label": label or str(path)}
    started = time.monotonic()
    doc = _run_judge(config)
    return GradeResult.from_json(doc, seconds=time.monotonic() - started)


def grade_many(paths: list[str | Path], names: list[str] | None = None, lang: str = "en",
               limits: Limits | None = None, sandbox: bool = False, jobs: int | None = None,
               labels: list[str] | None = None, on_progress: ProgressCallback | None = None
               ) -> list[GradeResult]:
    """Grade many submissions in one judge process (torch imported once), ``jobs`` at a time
    (default: the cores available), in the order given.

    Each verdict is the one ``grade`` gives the same submission alone. ``on_progress(done, total,
    result)`` is called as each submission finishes (in the order they finish), e.g. to draw a
    progress bar or to show results in a notebook as they come.
    """
    if not paths:
        return []
    labels = labels or [str(p) for p in paths]
    config = {**_config(names, lang, limits, sandbox), "jobs": jobs,
              "batch": [{"path": str(p), "label": label} for p, label in zip(paths, labels)]}
    done = 0

    def on_line(line: bytes) -> None:
        nonlocal done
        try:
            event = json.loads(line)
            result = GradeResult.from_json(event["result"], seconds=event.get("seconds"))
        except (ValueError, KeyError, TypeError):
            return  # a progress line is a courtesy; the verdicts come on stdout
        done += 1
        on_progress(done, len(paths), result)

    answer = _run_judge(config, on_line if on_progress is not None else None)
    return [GradeResult.from_json(doc, seconds=s) for doc, s in zip(answer["results"], answer["seconds"])]
