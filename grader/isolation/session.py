"""The judge's handle on the learner's code: start it in its own process, call it, bound it, end it.

The learner's process is forked from a zygote that has imported torch once (grader/isolation/zygote.py), so a
restart after a crash costs milliseconds. Every call has a timeout; the whole submission has a budget;
captured output is capped; a call that hangs or kills the process fails its exercise only.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import exercises as exercise_meta
from grader.isolation import snapshot, view
from grader.isolation.hidden import hidden_paths
from grader.isolation.limits import Limits
from grader.isolation.modes import plan as isolation_plan
from grader.isolation.privileges import syscall_filter_available, kill_all_of
from grader.isolation.sandbox import INSIDE, Sandbox, SandboxError, python_dirs
from grader.isolation.uids import LearnerUid
from grader.intake.submission import Submission


class _ZygoteLost(Exception):
    """The zygote is gone, so no learner process can be started from it."""


class LearnerError(Exception):
    """A call into learner code did not produce a result; ``kind`` says why, ``detail`` is the wire's."""

    def __init__(self, kind: str, detail: dict | None = None, seconds: float = 0.0) -> None:
        super().__init__(kind)
        self.kind = kind  # exception | timeout | died | budget | garbled | missing | sandbox | refused | disk
        self.detail = detail or {}
        self.seconds = seconds

    @property
    def message(self) -> str:
        d = self.detail
        if self.kind == "exception":
            text = f"{d.get('type')}: {d.get('message')}"
            return f"{text} ({d['where']})" if d.get("where") else text
        return {
            "timeout": f"timed out after {self.seconds:g} s",
            "died": "the process running the code ended (exit, crash or out of memory)",
            "budget": f"the submission used up its {self.seconds:g} s time budget",
            "sandbox": f"the sandbox could not run the code: {d.get('message')}",
            "disk": f"the code wrote more than its disk budget ({d.get('message')})",
            "refused": "the file was not graded",
            "garbled": "the process running the code sent an unreadable reply",
            "missing": "function not defined",
        }.get(self.kind, self.kind)


@dataclass
class LoadResult:
    status: str  # ok | missing | error
    error: LearnerError | None = None


@dataclass
class CallResult:
    out: Any  # on a meta call: an empty meta tensor of the result's shape and dtype
    device: str
    requires_grad: bool
    args_after: list
    grads: list | None
    # Per argument, whether its shape or strides changed (None when all stayed as they were).
    restrided: list | None = None


def _widen(fd: int) -> None:
    """Grow a pipe from 64 KiB to 1 MiB (Linux's default limit for anyone): the statistics checks send
    megabytes each way, and a small pipe makes both processes stop and switch every 64 KiB."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass  # a smaller pipe is only slower


# What the zygote, and so every learner process forked from it, gets as its environment: nothing of
# the user's (a CI token, a home folder), since /proc/self/environ shows the exec-time environment.
ZYGOTE_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1"}


class Zygote:
    """A process that has imported torch and forks learner processes on request."""

    def __init__(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="kldrill-")
        self.address = os.path.join(self.tmp, "zygote.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.address)
        listener.listen(64)
        self.log_path = os.path.join(self.tmp, "zygote.log")
        # -I: nothing is imported from the current folder, PYTHONPATH or the user's site-packages.
        command = [sys.executable, "-I", "-m", "grader.isolation.zygote", str(listener.fileno())]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, cwd="/",
                pass_fds=[listener.fileno()], start_new_session=True, env=ZYGOTE_ENV,
            )
        listener.close()
        self._answered = False

    def _request(self, payload: dict, fds: list[int] = (), timeout: float | None = None) -> dict:
        # The first request waits for torch to import; later ones for a fork. A zygote that stopped
        # answering (stopped by a signal, say) is then given up on as lost.
        limit = 10.0 if self._answered else 120.0
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(max(0.1, min(limit, timeout if timeout is not None else limit)))
            conn.connect(self.address)
            socket.send_fds(conn, [json.dumps(payload).encode()], list(fds))
            reply = conn.recv(4096)
        if not reply:
            raise RuntimeError(f"the learner-process zygote stopped: {self.log_tail()}")
        self._answered = True
        return json.loads(reply)

    @property
    def answered(self) -> bool:
        """Whether the zygote has answered a request yet (before that, it may be importing torch)."""
        return self._answered

    def alive(self) -> bool:
        """Whether the zygote still answers (works from any process, unlike Popen.poll).

        An answer is needed, not just a live process: a zygote sent SIGKILL never runs again, so it
        never answers, even while the kernel has not yet finished it off."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            try:
                conn.settimeout(2.0)
                conn.connect(self.address)
                socket.send_fds(conn, [b'{"op": "ping"}'], [])
                return conn.recv(16) == b"pong"  # a dying zygote may still accept, but never answers
            except OSError:
                return False

    def spawn(self, spec: dict, fds: list[int], timeout: float | None = None) -> int:
        return int(self._request({"op": "spawn", "spec": spec}, fds, timeout)["pid"])

    def kill(self, pid: int) -> None:
        try:
            self._request({"op": "kill", "pid": pid})
        except (OSError, RuntimeError, ValueError):
            pass  # the zygote is gone, and its workers died with it (PR_SET_PDEATHSIG)

    def log_tail(self) -> str:
        try:
            lines = Path(self.log_path).read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1][:300] if lines else "no log"

    def close(self) -> None:
        try:
            self.process.stdin.close()  # the lifeline: the zygote ends its children and exits
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, 9)
            except OSError:
                pass
            self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _hand_over(root: Path, uid: int) -> None:
    """Make ``root`` and everything in it ``uid``'s (no link is followed)."""
    for folder, dirs, files in os.walk(root):
        os.chown(folder, uid, uid)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def _empty(folder: Path) -> None:
    """Remove what ``folder`` holds (links are removed, never followed)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def disk_used(folder: Path, most_files: int) -> tuple[int, int]:
    """(bytes, files) under ``folder``, counting stops past ``most_files``; links are not followed."""
    size, count, pending = 0, 0, [str(folder)]
    while pending and count <= most_files:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    count += 1
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(entry.path)
                        else:
                            size += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        pass
        except OSError:
            pass
    return size, count


class _DiskWatch(threading.Thread):
    """Where the working folder is no tmpfs of the disk budget (no namespaces: a container, an ordinary
    user), its size and file count are checked every ``period`` seconds; past the budget the learner's
    processes are killed (``stop``) and ``over`` is set."""

    def __init__(self, folder: Path, limits: Limits, stop, period: float = 0.2) -> None:  # noqa: ANN001
        super().__init__(daemon=True)
        self.folder, self.limits, self.stop_learner, self.period = folder, limits, stop, period
        self.over = False
        self.done = threading.Event()

    def check(self) -> bool:
        size, count = disk_used(self.folder, self.limits.disk_files)
        if size > self.limits.disk_mb << 20 or count > self.limits.disk_files:
            self.over = True
            self.stop_learner()
        return self.over

    def run(self) -> None:
        while not self.done.wait(self.period):
            if self.check():
                return


class _Drain(threading.Thread):
    """Reads the learner's stdout/stderr so it never blocks; the session keeps a capped part of it.

    Reads happen under the session's lock, and the fd is non-blocking, so ``LearnerSession.attribute``
    can take what is still in the pipe at an exercise's boundary: the learner writes unbuffered, before
    it replies, so whatever a call printed is read before the next exercise's first request.
    """

    def __init__(self, fd: int, sink: "LearnerSession") -> None:
        super().__init__(daemon=True)
        self.fd, self.sink = fd, sink
        os.set_blocking(fd, False)
        self.closed = False

    def read_available(self, most: int = 1 << 20) -> None:
        """Read what the pipe holds now, up to ``most`` bytes (a learner thread printing without end
        must not keep the judge here); call with the session's lock held."""
        while most > 0 and not self.closed:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
                os.close(self.fd)
                return
            most -= len(chunk)
            self.sink._capture(chunk)

    def run(self) -> None:
        import select

        while not self.closed:
            try:
                select.select([self.fd], [], [], 1.0)
            except (OSError, ValueError):
                pass
            with self.sink._lock:
                self.read_available()
            # Yield between chunks, so that a flood does not keep the lock from attribute().
            time.sleep(0)


@dataclass
class _Worker:
    pid: int
    req: int
    resp: int


class LearnerSession:
    """Runs one submission's code in an isolated process and calls its functions.

    Use as a context manager. ``zygote`` may be shared between sessions (batch grading); otherwise the
    session starts and ends its own. With ``sandbox``, the learner's process runs in a bubblewrap
    sandbox of this submission's own; as root, always under an unprivileged uid of its own (``slot``
    says where to start looking for a free one).
    """

    def __init__(self, submission: Submission, limits: Limits | None = None,
                 zygote: Zygote | None = None, sandbox: bool = False, slot: int = 0) -> None:
        self.submission = submission
        self.limits = limits or Limits()
        self.sandbox = sandbox
        # The budget's clock starts once the first learner process is up: a zygote still importing
        # torch (shared by a batch) is the grader's time, not the submission's. Restarts count.
        self._started: float | None = None
        self._own_zygote = zygote is None
        self._box: Sandbox | None = None
        self._uid: LearnerUid | None = None
        # Private (0700): with --jobs 2, a classmate's code must not read this submission's copy.
        self.tmp = Path(tempfile.mkdtemp(prefix="kldrill-session-"))
        try:
            self._snapshot = self.tmp / "submission"
            taken = snapshot.take(submission.kind, submission.path, submission.given, submission.files,
                                  self._snapshot)
            self._names, self._refused = taken.names, taken.refused
            self._notebooks, self._shown = taken.notebooks, taken.shown
            self.plan = isolation_plan(self.sandbox)
            if os.geteuid() == 0:
                self._uid = LearnerUid(slot, files=not (self.plan.sandbox or self.plan.landlock))
            self._workdir = self.tmp / "work"
            self._workdir.mkdir(mode=0o700)
            if self._uid is not None:  # the folder, the copy and the working folder: this uid's alone
                _hand_over(self.tmp, self._uid.uid)
            self.zygote = zygote or Zygote()
        except BaseException:
            self._cleanup()
            raise
        self._worker: _Worker | None = None
        self._watch: _DiskWatch | None = None
        self._ids = itertools.count()
        # Why some code can no longer be called: keyed by file path when importing it failed that way,
        # by exercise name when calling its function did.
        self._broken: dict[str, LearnerError] = {}
        self._losses: dict[str, int] = {}  # how often the zygote was lost during each exercise
        self._last_key: str | None = None  # whose code ran last, and so may have killed the zygote
        # What the learner's code printed, by exercise (the one whose load, checks or diagnosis ran
        # at the time): the first bytes of each, and how many there were in all.
        self._output: dict[str, bytearray] = {}
        self._output_bytes: dict[str, int] = {}
        self._output_key = ""
        self._drains: list[_Drain] = []
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> "LearnerSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop_worker()
        if self._own_zygote:
            self.zygote.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._uid is not None:
            self._uid.release()
            self._uid = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _left(self) -> float:
        if self._started is None:
            return self.limits.total_timeout
        return self.limits.total_timeout - (time.monotonic() - self._started)

    @property
    def isolation(self) -> str:
        """The isolation in force for this submission's code (modes.Plan.label), for the verdict."""
        return self.plan.label

    def _spec(self) -> dict:
        inside = INSIDE if self.sandbox else str(self._snapshot)
        rules = None
        if self.plan.landlock:
            rules = {"read": [*view.readable(), *view.DEVICES, "/proc"], "write": ["/dev/null"],
                     "abi": self.plan.landlock}
        return {"path": inside, "files": {n: f"{inside}/{f}" for n, f in self._names.items()},
                "limits": self.limits.for_worker(), "uid": self._uid.uid if self._uid else None,
                "sandbox_pid": self._box.pid if self._box else None,
                "workdir": None if self.sandbox else str(self._workdir),
                "hidden": [] if self.sandbox else hidden_paths(), "python": python_dirs(),
                "namespaces": self.plan.namespaces, "landlock": rules, "syscall_filter": syscall_filter_available(),
                "disk": {"bytes": self.limits.disk_mb << 20, "files": self.limits.disk_files}}

    def _stop_learner_now(self, pid: int) -> None:
        """Kill the learner's processes at once (from the disk watch's thread)."""
        if self._uid is not None:
            kill_all_of(self._uid.uid)
        else:
            try:
                os.killpg(pid, 9)  # (the learner's process leads its own session)
            except OSError:
                pass

    def _start_worker(self) -> _Worker:
        if not self.sandbox and not self.plan.namespaces and self._worker is None:
            _empty(self._workdir)  # as a fresh tmpfs would be: what an ended process wrote counts no more
        if self.sandbox and self._box is None:
            try:
                self._box = Sandbox(self._snapshot, timeout=max(1.0, min(20.0, self._left())))
            except SandboxError as exc:
                raise LearnerError("sandbox", {"message": str(exc)}) from None
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        out_r, out_w = os.pipe()
        for fd in (req_w, resp_w):
            _widen(fd)
        os.set_blocking(req_w, False)  # every write to the learner has a deadline (wire.send)
        try:
            pid = self.zygote.spawn(self._spec(), [req_r, resp_w, out_w], timeout=self._left())
        except BaseException:
            for fd in (req_w, resp_r, out_r):
                os.close(fd)
            raise
        finally:
            for fd in (req_r, resp_w, out_w):
                os.close(fd)
        drain = _Drain(out_r, self)
        with self._lock:
            self._drains = [d for d in self._drains if not d.closed] + [drain]
        drain.start()
        if not self.sandbox and not self.plan.namespaces:  # no tmpfs bounds the working folder
            self._watch = _DiskWatch(self._workdir, self.limits, lambda: self._stop_learner_now(pid))
            self._watch.start()
        if self._started is None:
            self._started = time.monotonic()
        self._worker = _Worker(pid, req_w, resp_r)
        return self._worker

    def _stop_worker(self) -> None:
        """End the learner's process and everything it started."""
        if self._watch is not None:
            self._watch.done.set()
        w, self._worker = self._worker, None
        box, self._box = self._box, None
        if box is not None:
            box.close()  # its pid namespace, and every process in it, ends with it
        if w is not None:
            self.zygote.kill(w.pid)
            for fd in (w.req, w.resp):
                try:
                    os.close(fd)
                except OSError:
                    pass
        if self._uid is not None and (w is not None or box is not None):
            kill_all_of(self._uid.uid)  # whatever it forked, double-forked or daemonised

    def _capture(self, chunk: bytes) -> None:
        # Called with self._lock held.
        key = self._output_key
        kept = self._output.setdefault(key, bytearray())
        self._output_bytes[key] = self._output_bytes.get(key, 0) + len(chunk)
        room = self.limits.output_kb * 1024 - len(kept)
        if room > 0:
            kept += chunk[:room]

    def attribute(self, exercise: str) -> None:
        """From now on, output is ``exercise``'s; what the pipes hold now is the previous one's."""
        with self._lock:
            for drain in self._drains:
                drain.read_available()
            self._output_key = exercise

    def output_of(self, exercise: str) -> tuple[str, int]:
        """What the learner's code printed while ``exercise`` ran (its first ``output_kb`` KiB, as
        text), and how many bytes it printed in all."""
        self.attribute(self._output_key)  # take what is still in the pipes
        with self._lock:
            kept = bytes(self._output.get(exercise, b""))
            total = self._output_bytes.get(exercise, 0)
        return kept.decode(errors="replace"), total

    @property
    def output(self) -> str:
        """Everything kept, all exercises together (with a note of what was dropped)."""
        self.attribute(self._output_key)
        with self._lock:
            text = b"".join(self._output.values()).decode(errors="replace")
            dropped = sum(self._output_bytes.values()) - sum(len(v) for v in self._output.values())
        return text + (f"\n... ({dropped} more bytes of output dropped)" if dropped > 0 else "")

    # -- requests --------------------------------------------------------------------------------
    def _exchange(self, path: str, request: dict, key: str) -> dict:
        """Send one request and wait for its reply; on a hang or a crash, mark ``key`` broken."""
        if self._last_key not in (None, key) and not self.zygote.alive():
            # The code that ran last killed the zygote (its answer still stood). Asked only when the
            # exercise changes: within one, a loss is charged to the same exercise by the next call.
            try:
                self._lose_zygote(self._last_key)
            except LearnerError:
                pass  # that exercise is now broken; this call goes on, with a fresh zygote
        self._last_key = key
        while True:
            try:
                return self._exchange_once(path, request, key)
            except _ZygoteLost:
                self._lose_zygote(key)  # a fresh zygote, the same request

    def _lose_zygote(self, key: str) -> None:
        """Replace a zygote that was killed while ``key``'s code ran; the second time, ``key`` is broken.

        The zygote may also have been killed by another submission sharing it in a batch: one loss is
        forgiven, so a neighbour's attack does not cost an honest exercise its verdict.
        """
        self._stop_worker()
        self._replace_zygote()
        self._losses[key] = self._losses.get(key, 0) + 1
        if self._losses[key] >= 2:
            self._broken[key] = LearnerError("died")
            raise self._broken[key]

    def _replace_zygote(self) -> None:
        if self._left() <= 0:
            raise LearnerError("budget", seconds=self.limits.total_timeout)
        old, self.zygote = self.zygote, Zygote()
        if self._own_zygote:
            old.close()
        self._own_zygote = True

    def _exchange_once(self, path: str, request: dict, key: str) -> dict:
        from grader.isolation import wire

        for k in (path, key):
            if k in self._broken:
                raise self._broken[k]
        left = self._left()
        if left <= 0:
            raise LearnerError("budget", seconds=self.limits.total_timeout)
        timeout = min(self.limits.call_timeout, left)
        try:
            worker = self._worker or self._start_worker()
        except LearnerError as exc:
            self._broken[key] = exc
            raise
        except (OSError, RuntimeError, ValueError):
            raise _ZygoteLost() from None
        request = {**request, "id": next(self._ids)}
        try:
            # One deadline for the request and its reply: a learner's process that stops reading its
            # requests must not stall the judge (a request larger than the pipe would block it).
            ends = time.monotonic() + timeout
            sent = wire.send(worker.req, request, timeout=timeout)
            # An honest reply is the result, the changed inputs and their gradients: a few times the
            # request. Anything larger is refused before it is read.
            reply, _ = wire.receive(worker.resp, timeout=max(0.0, ends - time.monotonic()),
                                    max_size=8 * sent + (1 << 20))
            if isinstance(reply, dict) and isinstance(reply.get("fatal"), str):
                raise LearnerError("sandbox", {"message": reply["fatal"][:300]})
            if not isinstance(reply, dict) or reply.get("id") != request["id"]:
                raise wire.WireError("reply out of order")
            if self._watch is not None and self._watch.check():
                raise wire.Closed()  # past the disk budget: the learner's processes are killed
            return reply
        except LearnerError as exc:
            self._stop_worker()
            self._broken[key] = exc
            raise
        except (wire.Timeout, wire.Closed, wire.WireError, BrokenPipeError) as exc:
            over = self._watch is not None and (self._watch.over or self._watch.check())
            self._stop_worker()
            if over:
                error = LearnerError("disk", {"message": f"{self.limits.disk_mb} MiB, {self.limits.disk_files} files"})
            elif isinstance(exc, wire.Timeout):
                error = (LearnerError("timeout", seconds=self.limits.call_timeout)
                         if timeout == self.limits.call_timeout
                         else LearnerError("budget", seconds=self.limits.total_timeout))
            elif isinstance(exc, (wire.Closed, BrokenPipeError)):
                if not self.zygote.alive():
                    raise _ZygoteLost() from None
                error = LearnerError("died")
            else:
                error = LearnerError("garbled")
            self._broken[key] = error
            raise error from None

    def _in_cells(self, detail: dict) -> dict:
        """``where`` in the learner's own terms: in a converted notebook, the cell and line the learner
        wrote (and ``cell`` holds [notebook, cell, line] for a message in the learner's language); in a
        file copied under a name of ours (``hw1-kl.py``, not importable as it is), the learner's name."""
        name, _, line = detail.get("where", "").rpartition(":")
        if name in self._shown and line.isdigit():
            detail["where"] = f"{self._shown[name]}:{line}"
        elif name in self._notebooks and line.isdigit():
            notebook, converted = self._notebooks[name]
            place = converted.where(int(line))
            if place is not None:
                detail["where"] = f"{notebook}, cell {place[0]}, line {place[1]}"
                detail["cell"] = [notebook, place[0], place[1]]
        return detail

    def _path(self, exercise: str) -> str | None:
        name = self._names.get(exercise)
        return f"{INSIDE if self.sandbox else self._snapshot}/{name}" if name is not None else None

    def source_file(self, exercise: str) -> Path | None:
        """The snapshot's copy of the file ``exercise`` is loaded from, as the judge sees it (to read as
        data, never to run); None when there is none."""
        name = self._names.get(exercise)
        return self._snapshot / name if name is not None else None

    def load(self, exercise: str) -> LoadResult:
        """Import the file that should define ``exercise`` and say whether the function is there."""
        if exercise in self._refused:
            key, fields = self._refused[exercise]
            return LoadResult("error", LearnerError("refused", {"key": key, "fields": fields}))
        path = self._path(exercise)
        if path is None:
            return LoadResult("missing")
        function = exercise_meta.get(exercise).function
        try:
            reply = self._exchange(path, {"op": "load", "exercise": exercise, "function": function}, path)
        except LearnerError as exc:
            return LoadResult("error", exc)
        status = reply.get("status")
        if status == "ok":
            return LoadResult("ok")
        if status == "missing":
            return LoadResult("missing")
        if status == "error":
            return LoadResult("error", LearnerError("exception", self._in_cells(clean_error(reply.get("error")))))
        return LoadResult("error", LearnerError("garbled"))

    def call(self, exercise: str, args: list, grad: list[bool] | None = None,
             grad_output: Any = None, device: str | None = None) -> CallResult:
        """Call the learner's function for ``exercise`` on ``args`` (tensors and floats).

        With ``grad`` (one flag per argument), the flagged tensors require grad in the learner's
        process and ``grads`` holds d(out . grad_output)/d(arg) for each flagged argument (None where
        no gradient flows). With ``device="meta"``, the tensors are moved to the meta device there
        (no values, no GPU needed): ``out`` is then an empty meta tensor of the result's shape and dtype,
        ``device`` the result's device, ``restrided`` which inputs changed shape or strides. Nothing of
        the reply is used before it is checked here: its fields, their types, and the dtype, shape and
        size of every tensor in it.
        """
        path = self._path(exercise)
        if path is None:
            raise LearnerError("missing")
        meta = exercise_meta.get(exercise)
        function, count = meta.function, meta.returns
        request = {"op": "call", "exercise": exercise, "function": function,
                   "args": list(args), "grad": grad, "grad_output": grad_output}
        if count != 1:  # (absent for one tensor: the request a track-1 exercise sends is unchanged)
            request["returns"] = count
        if device is not None:
            request["device"] = device
        reply = self._exchange(path, request, exercise)
        ok = reply.get("ok")
        if ok is False:
            raise LearnerError("exception", self._in_cells(clean_error(reply.get("error"))))
        if ok is not True:
            raise LearnerError("garbled")
        if device == "meta":
            return _meta_result(reply, args, count)
        return _validated_call(reply, args, grad, count)


    def drive(self, exercise: str, args: list, steps: list[list]) -> list[float]:
        """For a class exercise: construct the learner's object with ``args``, call ``.update(*step)``
        for each of ``steps`` and return ``.value`` read after construction and after each update
        (len(steps) + 1 floats). The reply is checked: exactly that many floats, nothing else. A call that
        raised raises LearnerError("exception") with ``detail["done"]``, how many values were read first."""
        path = self._path(exercise)
        if path is None:
            raise LearnerError("missing")
        if len(steps) > MAX_STEPS:
            raise ValueError(f"at most {MAX_STEPS} steps per drive")
        request = {"op": "drive", "exercise": exercise, "function": exercise_meta.get(exercise).function,
                   "args": list(args), "steps": [list(s) for s in steps]}
        return _validated_drive(self._exchange(path, request, exercise), len(steps))


def _validated_drive(reply: dict, n_steps: int) -> list[float]:
    """A drive's reply: exactly n_steps + 1 floats, or an error (with how many values came first)."""
    ok = reply.get("ok")
    if ok is False:
        detail = clean_error(reply.get("error"))
        done = reply.get("done")
        detail["done"] = done if type(done) is int and 0 <= done <= n_steps + 1 else 0
        raise LearnerError("exception", detail)
    values = reply.get("values")
    if ok is not True or not (isinstance(values, list) and len(values) == n_steps + 1
                              and all(type(v) is float for v in values)):
        raise LearnerError("garbled")
    return values


# The most update steps one drive of a class exercise may take (the checks use a few hundred at most).
MAX_STEPS = 4096
_ERROR_FIELDS = {"type": 100, "message": 1000, "where": 200}


def clean_error(detail: Any) -> dict:
    """An error description from the learner's process, reduced to short strings (and a number)."""
    if not isinstance(detail, dict):
        return {"type": "Unknown", "message": "", "where": ""}
    clean = {}
    for field, limit in _ERROR_FIELDS.items():
        value = detail.get(field)
        text = value if isinstance(value, str) else ""
        clean[field] = text if len(text) <= limit else text[:limit] + "..."
    value = detail.get("value")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        clean["value"] = float(value)
    return clean


# The most tensors one call may return (a tuple result); the exercises need at most three.
MAX_RESULTS = 8


def _validated_call(reply: dict, args: list, grad: list[bool] | None, count: int = 1) -> CallResult:
    """``out`` is one tensor (count 1) or a tuple of exactly ``count`` tensors, and ``requires_grad``
    a bool or a tuple of as many bools: anything else (another count, a non-tensor inside, a nested
    list) is garbled, whatever the learner's process claims."""
    import torch

    def tensor_like(x: Any) -> bool:
        return type(x) is torch.Tensor and x.dim() <= 8

    out, flags = reply.get("out"), reply.get("requires_grad")
    if count == 1:
        if not tensor_like(out) or not isinstance(flags, bool):
            raise LearnerError("garbled")
    else:
        if not (1 < count <= MAX_RESULTS and isinstance(out, list) and len(out) == count
                and all(tensor_like(o) for o in out) and isinstance(flags, list) and len(flags) == count
                and all(type(f) is bool for f in flags)):
            raise LearnerError("garbled")
        out, flags = tuple(out), tuple(flags)
    args_after = reply.get("args_after")
    if args_after is None:  # the worker saw every input left as it was sent
        args_after = list(args)
    elif not (isinstance(args_after, list) and len(args_after) == len(args) and all(
            tensor_like(a) if isinstance(b, torch.Tensor) else type(a) is type(b)
            for a, b in zip(args_after, args))):
        raise LearnerError("garbled")
    grads = reply.get("grads")
    if grad is None or not any(grad):
        if grads is not None:
            raise LearnerError("garbled")
    else:
        wanted = [a for a, g in zip(args, grad) if g]
        if not (isinstance(grads, list) and len(grads) == len(wanted) and all(
                g is None or (tensor_like(g) and g.numel() <= max(1, a.numel())) for g, a in zip(grads, wanted))):
            raise LearnerError("garbled")
    return CallResult(out=out, device="cpu", requires_grad=flags, args_after=args_after,
                      grads=grads, restrided=_restrided(reply, args))


def _is_int_list(x: Any, max_len: int = 16) -> bool:
    return (isinstance(x, list) and len(x) <= max_len
            and all(type(v) is int and 0 <= v < 1 << 62 for v in x))


def _restrided(reply: dict, args: list) -> list | None:
    """Which tensor arguments the learner's process says changed strides or storage offset (validated:
    per argument None or {"stride": [ints], "offset": int}, as many as the arguments)."""
    before, after = reply.get("layout_before"), reply.get("layout_after")
    if before is None and after is None:
        return None

    def layout_ok(entry: Any) -> bool:
        return entry is None or (isinstance(entry, dict) and set(entry) == {"stride", "offset"}
                                 and _is_int_list(entry["stride"]) and type(entry["offset"]) is int
                                 and 0 <= entry["offset"] < 1 << 62)

    if not (isinstance(before, list) and isinstance(after, list) and len(before) == len(after) == len(args)
            and all(layout_ok(e) for e in before + after)):
        raise LearnerError("garbled")
    return [b != a for b, a in zip(before, after)]


_DEVICE_CHARS = set("abcdefghijklmnopqrstuvwxyz_:0123456789")


def _meta_result(reply: dict, args: list, count: int = 1) -> CallResult:
    """A meta call's reply, validated: the result's shape (at most 16 dims), dtype (the wire's allowlist),
    device (a short name such as "meta" or "cpu") and, per argument, whether its layout changed. For a
    tuple result (count > 1) exactly ``count`` such descriptions; ``device`` is then the first one not
    on meta (or "meta"), ``out`` a tuple of empty meta tensors."""
    import torch

    from grader.isolation import wire

    info, changed = reply.get("out_meta"), reply.get("inputs_changed")
    if count == 1:
        infos = [info]
    elif 1 < count <= MAX_RESULTS and isinstance(info, list) and len(info) == count:
        infos = info
    else:
        raise LearnerError("garbled")
    outs, devices = [], []
    for item in infos:
        if not isinstance(item, dict) or not _is_int_list(item.get("shape")):
            raise LearnerError("garbled")
        dtype, device = wire.DTYPES.get(item.get("dtype")), item.get("device")
        if dtype is None or not isinstance(device, str) or not 0 < len(device) <= 32 or set(device) - _DEVICE_CHARS:
            raise LearnerError("garbled")
        try:
            outs.append(torch.empty(item["shape"], dtype=dtype, device="meta"))  # meta tensors hold no data
        except RuntimeError:  # e.g. a shape whose size overflows
            raise LearnerError("garbled") from None
        devices.append(device)
    if not (isinstance(changed, list) and len(changed) == len(args) and all(type(c) is bool for c in changed)):
        raise LearnerError("garbled")
    device = next((d for d in devices if d != "meta"), "meta")
    return CallResult(out=outs[0] if count == 1 else tuple(outs), device=device, requires_grad=False,
                      args_after=list(args), grads=None, restrided=changed if any(changed) else None)
