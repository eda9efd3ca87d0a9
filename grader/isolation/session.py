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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import exercises as exercise_meta
from grader import resources
from grader.isolation.limits import Limits
from grader.submission import Submission


class _ZygoteLost(Exception):
    """The zygote is gone, so no learner process can be started from it."""


class LearnerError(Exception):
    """A call into learner code did not produce a result; ``kind`` says why, ``detail`` is the wire's."""

    def __init__(self, kind: str, detail: dict | None = None, seconds: float = 0.0) -> None:
        super().__init__(kind)
        self.kind = kind  # exception | timeout | died | budget | garbled | missing | sandbox
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


def sandbox_available() -> bool:
    return shutil.which("bwrap") is not None


class Zygote:
    """A process that has imported torch and forks learner processes on request."""

    def __init__(self, sandbox: bool = False, submissions: list[Submission] = ()) -> None:
        """``submissions``: what will be graded, so the sandbox shows their folders and hides the
        reference only from those that are not the reference itself."""
        self.submissions = list(submissions)
        self.tmp = tempfile.mkdtemp(prefix="kldrill-")
        self.address = os.path.join(self.tmp, "zygote.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.address)
        listener.listen(64)
        self.log_path = os.path.join(self.tmp, "zygote.log")
        command = [sys.executable, "-I", "-m", "grader.isolation.zygote", str(listener.fileno())]
        self.sandbox = sandbox
        if sandbox:
            command = _bwrap_prefix(self.submissions) + command
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
                pass_fds=[listener.fileno()], start_new_session=True,
                env={**os.environ, "OMP_NUM_THREADS": "1"},
            )
        listener.close()
        self._answered = False

    def _request(self, payload: dict, fds: list[int] = ()) -> dict:
        # The first request waits for torch to import; later ones for a fork. A zygote that stopped
        # answering (stopped by a signal, say) is then given up on as lost.
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10.0 if self._answered else 120.0)
            conn.connect(self.address)
            socket.send_fds(conn, [json.dumps(payload).encode()], list(fds))
            reply = conn.recv(4096)
        if not reply:
            raise RuntimeError(f"the learner-process zygote stopped: {self.log_tail()}")
        self._answered = True
        return json.loads(reply)

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

    def spawn(self, spec: dict, fds: list[int]) -> int:
        return int(self._request({"op": "spawn", "spec": spec}, fds)["pid"])

    def kill(self, pid: int) -> None:
        try:
            self._request({"op": "kill", "pid": pid})
        except (OSError, RuntimeError):
            pass  # the zygote is gone, and its workers died with it (PR_SET_PDEATHSIG)

    def log_tail(self) -> str:
        try:
            lines = Path(self.log_path).read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "no log"

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


def _hidden(*submissions: Submission) -> list[str]:
    """What the learner's process must not read: the reference and the checks (unless the reference is
    itself what is being graded)."""
    hidden = [resources.solutions_dir().resolve(), Path(__file__).resolve().parent / "checks"]
    hidden = [h for h in hidden if not any(s.path.is_relative_to(h) for s in submissions)]
    return [str(h) for h in hidden]


def _bwrap_prefix(submissions: list[Submission]) -> list[str]:
    """bubblewrap: the whole file system read-only, a private /tmp, no network, its own pid namespace,
    the reference and the checks replaced by empty folders, the submissions' folders visible."""
    prefix = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
              "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent"]
    # Bound back after the private /tmp, so Python, kl-drill and the submissions stay visible even when
    # they live under /tmp (a CI checkout, say).
    visible = [sys.prefix, sys.base_prefix, str(Path(__file__).resolve().parent.parent)]
    visible += [str(s.path if s.kind == "workspace" else s.path.parent) for s in submissions]
    for folder in dict.fromkeys(os.path.realpath(v) for v in visible):
        if os.path.isdir(folder):
            prefix += ["--ro-bind", folder, folder]
    for path in _hidden(*submissions):  # last: nothing bound above may show them again
        if os.path.isdir(path):
            prefix += ["--tmpfs", path]
    return prefix + ["--"]


class _Drain(threading.Thread):
    """Reads the learner's stdout/stderr so it never blocks, keeping only the first `limit` bytes."""

    def __init__(self, fd: int, limit: int, sink: "LearnerSession") -> None:
        super().__init__(daemon=True)
        self.fd, self.limit, self.sink = fd, limit, sink

    def run(self) -> None:
        try:
            while True:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                self.sink._capture(chunk, self.limit)
        except OSError:
            pass
        finally:
            os.close(self.fd)


@dataclass
class _Worker:
    pid: int
    req: int
    resp: int


class LearnerSession:
    """Runs one submission's code in an isolated process and calls its functions.

    Use as a context manager. ``zygote`` may be shared between sessions (batch grading); otherwise the
    session starts and ends its own.
    """

    def __init__(self, submission: Submission, limits: Limits | None = None,
                 zygote: Zygote | None = None, sandbox: bool = False) -> None:
        self.submission = submission
        self.limits = limits or Limits()
        self._own_zygote = zygote is None
        self.zygote = zygote or Zygote(sandbox=sandbox, submissions=[submission])
        self._worker: _Worker | None = None
        self._ids = itertools.count()
        # Why some code can no longer be called: keyed by file path when importing it failed that way,
        # by exercise name when calling its function did.
        self._broken: dict[str, LearnerError] = {}
        self._losses: dict[str, int] = {}  # how often the zygote was lost during each exercise
        self._last_key: str | None = None  # whose code ran last, and so may have killed the zygote
        self._started = time.monotonic()
        self._output = bytearray()
        self.output_bytes = 0
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

    def _spec(self) -> dict:
        return {**self.submission.to_spec(), "limits": self.limits.for_worker(),
                "tmpdir": None if self.zygote.sandbox else self.zygote.tmp, "hidden": _hidden(self.submission)}

    def _start_worker(self) -> _Worker:
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        out_r, out_w = os.pipe()
        for fd in (req_w, resp_w):
            _widen(fd)
        try:
            pid = self.zygote.spawn(self._spec(), [req_r, resp_w, out_w])
        finally:
            for fd in (req_r, resp_w, out_w):
                os.close(fd)
        _Drain(out_r, self.limits.output_kb * 1024, self).start()
        self._worker = _Worker(pid, req_w, resp_r)
        return self._worker

    def _stop_worker(self) -> None:
        w, self._worker = self._worker, None
        if w is None:
            return
        self.zygote.kill(w.pid)
        for fd in (w.req, w.resp):
            try:
                os.close(fd)
            except OSError:
                pass

    def _capture(self, chunk: bytes, limit: int) -> None:
        with self._lock:
            self.output_bytes += len(chunk)
            room = limit - len(self._output)
            if room > 0:
                self._output += chunk[:room]

    @property
    def output(self) -> str:
        with self._lock:
            text = self._output.decode(errors="replace")
            dropped = self.output_bytes - len(self._output)
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
        old, self.zygote = self.zygote, Zygote(sandbox=self.zygote.sandbox, submissions=self.zygote.submissions)
        if self._own_zygote:
            old.close()
        self._own_zygote = True

    def _exchange_once(self, path: str, request: dict, key: str) -> dict:
        from grader.isolation import wire

        for k in (path, key):
            if k in self._broken:
                raise self._broken[k]
        left = self.limits.total_timeout - (time.monotonic() - self._started)
        if left <= 0:
            raise LearnerError("budget", seconds=self.limits.total_timeout)
        timeout = min(self.limits.call_timeout, left)
        try:
            worker = self._worker or self._start_worker()
        except (OSError, RuntimeError, ValueError):
            raise _ZygoteLost() from None
        request = {**request, "id": next(self._ids)}
        try:
            wire.send(worker.req, request)
            reply, _ = wire.receive(worker.resp, timeout=timeout)
            if not isinstance(reply, dict) or reply.get("id") != request["id"]:
                raise wire.WireError("reply out of order")
            return reply
        except (wire.Timeout, wire.Closed, wire.WireError, BrokenPipeError) as exc:
            self._stop_worker()
            if isinstance(exc, wire.Timeout):
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

    def _path(self, exercise: str) -> str | None:
        f = self.submission.files.get(exercise)
        return str(f) if f is not None else None

    def load(self, exercise: str) -> LoadResult:
        """Import the file that should define ``exercise`` and say whether the function is there."""
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
        return LoadResult("error", LearnerError("exception", reply.get("error") or {}))

    def call(self, exercise: str, args: list, grad: list[bool] | None = None,
             grad_output: Any = None, device: str | None = None) -> CallResult:
        """Call the learner's function for ``exercise`` on ``args`` (tensors and floats).

        With ``grad`` (one flag per argument), the flagged tensors require grad in the learner's
        process and ``grads`` holds d(out . grad_output)/d(arg) for each flagged argument (None where
        no gradient flows). With ``device="meta"``, the tensors are moved to the meta device there
        (no values, no GPU needed): ``out`` is then an empty meta tensor of the result's shape and dtype,
        ``device`` the result's device, ``restrided`` which inputs changed shape or strides.
        """
        import torch

        path = self._path(exercise)
        if path is None:
            raise LearnerError("missing")
        function = exercise_meta.get(exercise).function
        request = {"op": "call", "exercise": exercise, "function": function,
                   "args": list(args), "grad": grad, "grad_output": grad_output}
        if device is not None:
            request["device"] = device
        reply = self._exchange(path, request, exercise)
        if not reply.get("ok"):
            raise LearnerError("exception", reply.get("error") or {})
        if device == "meta":
            return _meta_result(reply, args)
        restrided = _restrided(reply, args)
        out = reply.get("out")
        grads = reply.get("grads")
        args_after = reply.get("args_after")
        if args_after is None:  # the worker saw every input left as it was sent
            args_after = list(args)
        if not isinstance(out, torch.Tensor) or not isinstance(args_after, list):
            raise LearnerError("garbled")
        if grads is not None and not (isinstance(grads, list)
                                      and all(g is None or isinstance(g, torch.Tensor) for g in grads)):
            raise LearnerError("garbled")
        return CallResult(out=out, device="cpu", requires_grad=bool(reply.get("requires_grad")),
                          args_after=args_after, grads=grads, restrided=restrided)


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


def _meta_result(reply: dict, args: list) -> CallResult:
    """A meta call's reply, validated: the result's shape (at most 16 dims), dtype (the wire's allowlist),
    device (a short name such as "meta" or "cpu") and, per argument, whether its layout changed."""
    import torch

    from grader.isolation import wire

    info, changed = reply.get("out_meta"), reply.get("inputs_changed")
    if not isinstance(info, dict) or not _is_int_list(info.get("shape")):
        raise LearnerError("garbled")
    dtype, device = wire.DTYPES.get(info.get("dtype")), info.get("device")
    if dtype is None or not isinstance(device, str) or not 0 < len(device) <= 32 or set(device) - _DEVICE_CHARS:
        raise LearnerError("garbled")
    if not (isinstance(changed, list) and len(changed) == len(args) and all(type(c) is bool for c in changed)):
        raise LearnerError("garbled")
    try:
        out = torch.empty(info["shape"], dtype=dtype, device="meta")  # meta tensors hold no data
    except RuntimeError:  # e.g. a shape whose size overflows
        raise LearnerError("garbled") from None
    return CallResult(out=out, device=device, requires_grad=False, args_after=list(args), grads=None,
                      restrided=changed if any(changed) else None)
