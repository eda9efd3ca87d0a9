"""A warm judge: grade one submission after another without paying, each time, for a judge's start.

``WarmJudge`` keeps one judge process (grader/judging/warm_judge.py) alive: torch imported, pytest configured
and the hidden checks collected once. Each ``grade`` still gets a new LearnerSession in it, so a fresh
isolated learner process (sandboxed as a cold grade is): the verdict is the one ``grading.grade``
gives the same files. Each request has the cold grade's deadline; a judge that a submission stopped,
killed or hung gives that request an "error" verdict (the exercises it finished stand), and the next
request starts a new judge. For `kldrill watch`, the interview, a notebook.

This module never imports torch: the judge process does.
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
from grader.judging.grading import GradingError, _stopped_verdict, use_sandbox
from grader.i18n import KeyedError, t
from grader.isolation.limits import Limits
from grader.judging.results import ExerciseResult, GradeResult

# on_progress(result): called in the caller's thread as each exercise's verdict is final.
ExerciseCallback = Callable[[ExerciseResult], None]

_MAX_LINE = 64 << 20  # far above a verdict; the judge caps what learner code puts in one
_STARTUP = 45.0  # seconds a judge may take to start (torch, pytest), as grading._deadline allows
_WARM_MARGIN = 15.0  # the judge's own work around a submission's budget, once it is up


class WarmJudge:
    """A judge process kept warm between grades. Use as a context manager, or call ``close()``.

    ``lang``, ``limits`` and ``sandbox`` are those of ``grading.grade`` (sandbox None: wherever
    bubblewrap works). The judge starts at once, in the background, so that it is warm by the first
    ``grade``. ``margin``: seconds a request may take beyond the submission's budget (default 15),
    plus 45 while the judge is still starting.
    """

    def __init__(self, lang: str = "en", limits: Limits | None = None, sandbox: bool | None = None,
                 margin: float | None = None) -> None:
        self.lang = lang
        self.limits = limits or Limits()
        self.sandbox = use_sandbox(sandbox, lang)
        self.margin = margin
        self.restarts = 0  # judges started after the first: how often a submission cost us one
        self._isolation = ""
        self._proc: subprocess.Popen | None = None
        self._ready = False
        self._ids = iter(range(1 << 62))
        self._lock = threading.Lock()  # one request at a time
        self._start()

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> "WarmJudge":
        return self

    def __exit__(self, exc_type: type | None, *exc: object) -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self.abort()  # Ctrl-C: now, not once the grade in progress (in another thread) is done
        else:
            self.close()

    @property
    def ready(self) -> bool:
        """Whether the judge has said it is up (torch imported, checks collected); it says so while
        a request is being waited for, so this turns True during the first ``grade``."""
        return self._ready

    @property
    def pid(self) -> int | None:
        """The judge process's pid (None between a lost judge and the next request)."""
        return self._proc.pid if self._proc is not None else None

    def _start(self) -> None:
        progress_r, progress_w = os.pipe()
        try:
            self._proc = subprocess.Popen([sys.executable, "-I", "-m", "grader.judging.warm_judge"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/",
                                          start_new_session=True, pass_fds=[progress_w])
        except BaseException:
            os.close(progress_r)
            raise
        finally:
            os.close(progress_w)
        self._progress = progress_r
        self._ready = False
        self._out, self._pending = bytearray(), bytearray()
        self._err = bytearray()
        # Its stderr is read all the time, so that a judge writing warnings while idle never blocks.
        self._err_reader = threading.Thread(target=self._read_err, args=(self._proc.stderr, self._err),
                                            daemon=True)
        self._err_reader.start()
        # As root, learner code runs as a uid of its own, free once its judge is gone; but a judge we
        # killed may leave learner processes of that uid behind for a moment: a restarted judge looks
        # for its uid further on, so that their clean-up cannot hit its learner processes.
        config = {"lang": self.lang, "limits": asdict(self.limits), "sandbox": self.sandbox,
                  "progress_fd": progress_w, "slot": 16 * self.restarts, "parent": os.getpid()}
        self._send(config)

    @staticmethod
    def _read_err(stream, buffer: bytearray) -> None:  # noqa: ANN001 - a Popen pipe
        try:
            for chunk in iter(lambda: stream.read1(1 << 16), b""):
                buffer.extend(chunk)
                del buffer[:-8192]  # the last lines say why a judge failed
        except (OSError, ValueError):
            pass

    def _send(self, doc: dict) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(doc).encode() + b"\n")
        self._proc.stdin.flush()

    def _stop(self, grace: float = 0.0) -> None:
        """End the judge (and everything in its session: the zygote, learner processes) now, or within
        ``grace`` seconds of a SIGTERM that lets it clean up (judge_process.end)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if grace > 0:
            judge_process.end(proc, grace)
        else:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        os.close(self._progress)

    def close(self) -> None:
        """End the judge: EOF on its stdin lets it close its zygote; killed if it does not exit soon."""
        if self._proc is None:  # aborted, or lost: nothing to wait for (not even the lock)
            return
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            try:
                proc.stdin.close()
                proc.wait(timeout=5)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
            self._stop()

    def abort(self) -> None:
        """End the judge within a second, even while another thread waits on a grade (Ctrl-C): that
        grade then ends with an "error" verdict; a later ``grade`` would start a new judge."""
        with judge_process.no_interrupts():
            self._stop(grace=1.0)

    # -- grading ---------------------------------------------------------------------------------
    def grade(self, path: str | Path, names: list[str] | None = None,
              on_progress: ExerciseCallback | None = None, label: str | None = None,
              strict: bool = False) -> GradeResult:
        """Grade the workspace or file at ``path`` on ``names`` (default: every exercise).

        The verdict is the one ``grading.grade(path, names, lang, limits, sandbox)`` gives. A judge
        stopped, killed or overrunning gives each unfinished exercise an "error" verdict saying why
        (the next ``grade`` starts a new judge); GradingError is raised when kl-drill itself fails
        (e.g. a path that is no submission).
        """
        names = list(names or exercises.names())
        label = label or str(path)
        with self._lock:
            if self._proc is not None and self._proc.poll() is not None:
                self._stop()  # it died while idle: nothing of this submission's doing, so no verdict of it
            if self._proc is None:
                self.restarts += 1
                self._start()
            rid = next(self._ids)
            deadline = self._deadline_seconds()  # the judge's start counts when it is not up yet
            done: dict[str, ExerciseResult] = {}
            self._isolation = ""  # as the judge says with each exercise's verdict
            started = time.monotonic()
            try:
                self._send({"id": rid, "path": os.path.abspath(path), "exercises": names, "label": label,
                            "strict": strict})
                answer = self._wait(rid, started + deadline, deadline, names, done, on_progress)
            except _Lost as lost:
                self._stop()
                why = t(lost.key, self.lang, **lost.fields)
                return _stopped_verdict(label, names, done, why, self._isolation)
            except BrokenPipeError:
                self._stop()
                why = t("judge_killed", self.lang, signal="?")
                return _stopped_verdict(label, names, done, why, self._isolation)
            except KeyboardInterrupt:  # e.g. Jupyter's "interrupt the kernel" during check()
                self.abort()
                raise
        if answer is None:  # every verdict is in: the judge is still ending the learner's process
            return GradeResult(label, [done[n] for n in names], seconds=time.monotonic() - started,
                               isolation=self._isolation)
        if "submission_error" in answer:
            error = answer["submission_error"]
            raise GradingError(t(error["key"], self.lang, **error.get("fields", {})))
        if "failure" in answer:
            raise GradingError(str(answer["failure"]))
        return GradeResult.from_json(answer["result"], seconds=time.monotonic() - started)

    def _wait(self, rid: int, ends: float, seconds: float, names: list[str], done: dict[str, ExerciseResult],
              on_progress: ExerciseCallback | None) -> dict | None:
        """Read the judge's pipes until request ``rid``'s answer, or None as soon as every exercise's
        final verdict has come on the progress pipe: the judge sends its answer only once it has
        ended the learner's process and its sandbox (a twentieth of a second nobody needs to wait for).
        Progress lines go to ``on_progress``."""
        proc = self._proc  # not self._proc below: abort() (Ctrl-C, in another thread) may clear it
        assert proc is not None
        stdout = proc.stdout
        with selectors.DefaultSelector() as sel:
            sel.register(stdout, selectors.EVENT_READ, self._out)
            sel.register(self._progress, selectors.EVENT_READ, self._pending)
            while True:
                for line in _lines(self._pending):
                    self._on_progress_line(line, rid, done, on_progress)
                if set(names) <= set(done):
                    return None
                for line in _lines(self._out):
                    try:
                        doc = json.loads(line)
                    except ValueError:
                        continue
                    if doc.get("ready"):
                        self._ready = True
                    elif doc.get("id") == rid:
                        for late in _lines(self._pending):  # progress written before the answer
                            self._on_progress_line(late, rid, done, on_progress)
                        return doc
                left = ends - time.monotonic()
                events = sel.select(left) if left > 0 else []
                if not events:
                    raise _Lost("judge_deadline", seconds=f"{seconds:g}")
                for key, _ in events:
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        code = proc.wait()
                        if code < 0:
                            raise _Lost("judge_killed", signal=signal.Signals(-code).name)
                        lines = self._err.decode(errors="replace").strip().splitlines()
                        raise _Lost("judge_exited", detail=lines[-1][:300] if lines else f"status {code}")
                    if len(key.data) > _MAX_LINE:
                        raise _Lost("judge_exited", detail="an answer far too large")
                    key.data.extend(chunk)

    def _deadline_seconds(self) -> float:
        margin = self.margin if self.margin is not None else _WARM_MARGIN
        return self.limits.total_timeout + margin + (0.0 if self._ready else _STARTUP)

    def _on_progress_line(self, line: bytes, rid: int, done: dict[str, ExerciseResult],
                          on_progress: ExerciseCallback | None) -> None:
        try:
            event = json.loads(line)
            if event.get("id") != rid:
                return
            result = GradeResult.from_json({"submission": "", "exercises": [event["result"]]}).exercises[0]
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return
        done[result.name] = result
        self._isolation = str(event.get("isolation") or "")
        if on_progress is not None:
            on_progress(result)


class _Lost(KeyedError):
    """The judge stopped answering this request: killed, exited, or past the deadline."""


def _lines(buffer: bytearray) -> list[bytes]:
    """Take the complete lines out of ``buffer``."""
    if b"\n" not in buffer:
        return []
    *lines, rest = bytes(buffer).split(b"\n")
    buffer[:] = rest
    return lines
