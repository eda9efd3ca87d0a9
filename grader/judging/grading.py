"""Grade a submission from any caller (the CLI, a notebook, a test) by running the judge process.

This module never imports torch: the judge process does, and so does the learner's.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from grader import exercises
from grader.judging import judge_process
from grader.i18n import KeyedError, t
from grader.isolation.limits import Limits
from grader.judging.results import Check, ExerciseResult, GradeResult

# on_progress(done, total, result): called in the caller's thread as each submission of a batch finishes.
ProgressCallback = Callable[[int, int, GradeResult], None]


class GradingError(Exception):
    """The grader itself failed (not the submission); the message is one line."""


class _JudgeStopped(KeyedError):
    """The judge was killed, stopped or overran its deadline: something a submission can cause (when
    it runs as the same user as the judge), so it is that submission's verdict, not kl-drill's bug."""


_warned: set[str] = set()


def use_sandbox(requested: bool | None, lang: str = "en") -> bool:
    """Whether learner code runs in bubblewrap: ``requested`` True or False, or None for "where it
    works" (then a one-line note on stderr, once per process, says why not where it does not)."""
    if requested is False:
        return False
    from grader.isolation.sandbox import unavailable_reason

    why = unavailable_reason()
    if why is None:
        return True
    if requested:
        raise GradingError(t("no_bwrap", lang, why=why))
    if why not in _warned:
        _warned.add(why)
        sys.stderr.write(f"kldrill: {t('sandbox_unavailable', lang, why=why)}\n")
    return False


def _config(names: list[str] | None, lang: str, limits: Limits | None, sandbox: bool | None,
            strict: bool = False) -> dict:
    return {"exercises": names or exercises.names(), "lang": lang, "limits": asdict(limits or Limits()),
            "sandbox": use_sandbox(sandbox, lang), "strict": strict}


def _run_judge(config: dict, deadline: float, on_line: Callable[[bytes], None],
               on_tick: Callable[[], None] | None = None) -> object:
    """Run the judge on ``config``; its answer. The judge also writes a line on a pipe of its own as
    each exercise (single grade) or submission (batch) is final, handed to ``on_line`` as it comes;
    ``on_tick()`` is called about once a second meanwhile (a progress display's clock).

    The judge gets ``deadline`` seconds; a judge killed, stopped or overrunning raises _JudgeStopped.
    It runs with -I and from /: no module is imported from the current folder, PYTHONPATH or the
    user's site-packages, whatever is in them.
    """
    progress_r, progress_w = os.pipe()
    config = {**config, "progress_fd": progress_w, "parent": os.getpid()}
    try:
        proc = subprocess.Popen([sys.executable, "-I", "-m", "grader.judging.judge"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/",
                                start_new_session=True, pass_fds=[progress_w])
    finally:
        os.close(progress_w)
    # The config of a large batch can exceed a pipe's buffer: write it while reading the answers.
    feeder = threading.Thread(target=_feed, args=(proc.stdin, json.dumps(config).encode()), daemon=True)
    feeder.start()
    out, err, pending = bytearray(), bytearray(), bytearray()
    ends = time.monotonic() + deadline
    stopped = interrupted = False
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ, out)
            sel.register(proc.stderr, selectors.EVENT_READ, err)
            sel.register(progress_r, selectors.EVENT_READ, pending)
            while sel.get_map():
                left = ends - time.monotonic()
                events = sel.select(min(left, 1.0) if on_tick else left) if left > 0 else []
                if not events:
                    if on_tick is not None and time.monotonic() < ends:
                        on_tick()
                        continue
                    stopped = True
                    break
                for key, _ in events:
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        sel.unregister(key.fileobj)
                        continue
                    if key.data is not pending and len(key.data) > _MAX_ANSWER:
                        continue  # a judge gone wrong: keep reading (it must not block), keep nothing more
                    key.data.extend(chunk)
                    if key.data is pending:
                        while b"\n" in pending:
                            line, _, rest = bytes(pending).partition(b"\n")
                            pending[:] = rest
                            on_line(line)
    except BaseException:  # Ctrl-C (or a bug of ours): the judge must not go on grading for nobody
        interrupted = True
        raise
    finally:
        os.close(progress_r)
        if stopped:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        if interrupted:
            with judge_process.no_interrupts():
                judge_process.end(proc)
        code = proc.wait()
        feeder.join(timeout=0 if interrupted else 5)
    if stopped:
        raise _JudgeStopped("judge_deadline", seconds=f"{deadline:g}")
    if code < 0:
        raise _JudgeStopped("judge_killed", signal=signal.Signals(-code).name)
    if code != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        raise GradingError(lines[-1][:500] if lines else f"the judge exited with status {code}")
    try:
        return json.loads(out)
    except ValueError as exc:
        raise GradingError(f"the judge's answer was unreadable ({exc})") from None


_MAX_ANSWER = 64 << 20  # far above a class's verdicts; the judge caps what learner code puts in them


def _feed(stream, data: bytes) -> None:  # noqa: ANN001 - a Popen pipe
    try:
        stream.write(data)
        stream.close()
    except OSError:
        pass  # the judge died before reading; its exit status says why


def _deadline(limits: Limits | None, submissions: int = 1, jobs: int | None = None) -> float:
    """Wall-clock seconds the judge may take: the submission's budget plus the judge's own work and
    start-up; for a batch, round after round of ``jobs`` submissions, each bounded by the judge."""
    budget = (limits or Limits()).total_timeout
    if submissions <= 1:
        return budget + 45.0
    rounds = -(-submissions // max(1, jobs or os.cpu_count() or 1))
    return rounds * (budget + 60.0) + 60.0


def _stopped_verdict(label: str, names: list[str], done: dict[str, ExerciseResult], why: str,
                     isolation: str = "") -> GradeResult:
    """Verdicts the judge finished stand; every other exercise is an error saying why. ``isolation``: what
    the finished ones ran under, as the judge said with them."""
    return GradeResult(label, [done.get(n) or ExerciseResult(n, "error", exercises.get(n).max_score,
                                                             [Check("grading", False, why)]) for n in names],
                       isolation=isolation if done else "")


def grade(path: str | Path, names: list[str] | None = None, lang: str = "en",
          limits: Limits | None = None, sandbox: bool | None = None, label: str | None = None,
          strict: bool = False, written_only: bool = False,
          on_exercise: Callable[[ExerciseResult], None] | None = None,
          on_tick: Callable[[], None] | None = None) -> GradeResult:
    """Grade the workspace or file at ``path`` on ``names`` (default: every exercise).

    ``sandbox``: True requires bubblewrap, False runs without it, None (the default) uses it where it
    works. ``strict``: an exercise passes only if every check passes, conventions included (all or
    nothing); by default it passes when the maths (the core checks) is right. ``written_only``: grade
    those of ``names`` the submission defines (all of them if it defines none), not the others as missing.
    ``on_exercise(result)`` is called as each exercise's verdict is final, ``on_tick()`` about once a
    second while grading (both in the caller's thread: a progress display).
    """
    config = {**_config(names, lang, limits, sandbox, strict), "path": os.path.abspath(path),
              "label": label or str(path)}
    if written_only:
        config["written"] = list(config["exercises"])
    done: dict[str, ExerciseResult] = {}
    isolation = [""]

    def on_line(line: bytes) -> None:
        try:
            doc = json.loads(line)["result"]
            result = GradeResult.from_json({"submission": "", "exercises": [doc]}).exercises[0]
        except (ValueError, KeyError, TypeError, IndexError):
            return
        done[result.name] = result
        isolation[0] = str(doc.get("isolation") or "")
        if on_exercise is not None:
            on_exercise(result)

    started = time.monotonic()
    try:
        doc = _run_judge(config, _deadline(limits), on_line, on_tick)
    except _JudgeStopped as exc:
        why = t(exc.key, lang, **exc.fields)
        return _stopped_verdict(config["label"], config["exercises"], done, why, isolation[0])
    return GradeResult.from_json(doc, seconds=time.monotonic() - started)


def grade_many(paths: list[str | Path], names: list[str] | None = None, lang: str = "en",
               limits: Limits | None = None, sandbox: bool | None = None, jobs: int | None = None,
               labels: list[str] | None = None, on_progress: ProgressCallback | None = None,
               strict: bool = False, on_tick: Callable[[], None] | None = None) -> list[GradeResult]:
    """Grade many submissions in one judge process (torch imported once), ``jobs`` at a time
    (default: the cores available), in the order given.

    Each verdict is the one ``grade`` gives the same submission alone. ``on_progress(done, total,
    result)`` is called as each submission finishes (in the order they finish), e.g. to draw a
    progress bar or to show results in a notebook as they come; ``on_tick()`` about once a second.
    """
    if not paths:
        return []
    labels = labels or [str(p) for p in paths]
    config = {**_config(names, lang, limits, sandbox, strict), "jobs": jobs,
              "batch": [{"path": os.path.abspath(p), "label": label} for p, label in zip(paths, labels)]}
    finished: dict[int, GradeResult] = {}

    def on_line(line: bytes) -> None:
        try:
            event = json.loads(line)
            index = int(event["index"])
            result = GradeResult.from_json(event["result"], seconds=event.get("seconds"))
        except (ValueError, KeyError, TypeError):
            return  # a progress line is a courtesy; the verdicts come on stdout
        finished[index] = result
        if on_progress is not None:
            on_progress(len(finished), len(paths), result)

    try:
        answer = _run_judge(config, _deadline(limits, len(paths), jobs), on_line, on_tick)
    except _JudgeStopped as exc:
        why = t(exc.key, lang, **exc.fields)
        return [finished.get(i) or _stopped_verdict(label, config["exercises"], {}, why)
                for i, label in enumerate(labels)]
    return [GradeResult.from_json(doc, seconds=s) for doc, s in zip(answer["results"], answer["seconds"])]
