"""A bubblewrap sandbox per submission: the namespaces the learner's process joins.

bubblewrap builds, for one submission, a mount namespace that shows only the system's libraries,
Python, its site-packages (minus kl-drill itself: view.py) and a snapshot of the submission at
``/submission``, with a private /tmp of bounded size; an empty network namespace, an IPC namespace and
a pid namespace of its own. What runs inside is a placeholder that waits; the learner's process, forked from the zygote that
imported torch, joins its namespaces (``privileges.enter_namespaces``). Ending the placeholder (pid 1
there) ends every process in the sandbox.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from functools import lru_cache
from pathlib import Path

from grader.isolation import view

INSIDE = "/submission"  # where the submission's snapshot is seen from inside
TMP_BYTES = 64 << 20  # the sandbox's /tmp: RAM, outside the learner's RLIMIT_AS, so bounded here
# Top-level links of a merged /usr (/lib -> usr/lib): kept, so that library paths compiled into programs
# (the ELF interpreter /lib64/ld-linux-x86-64.so.2) resolve to the bound folders.
_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# The sandbox's first process: not dumpable (learner code, the same uid as it without root, must not
# ptrace it), says it is ready once bubblewrap has set everything up, then waits for its stdin to close.
_PLACEHOLDER = "import ctypes, os; ctypes.CDLL(None).prctl(4, 0, 0, 0, 0); os.write(1, b'r'); os.read(0, 1)"


class SandboxError(Exception):
    """bubblewrap could not start a sandbox; the message is one line."""


def _namespace_args() -> list[str]:
    args = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
            "--new-session", "--hostname", "kldrill"]
    if os.geteuid() != 0:
        args.append("--unshare-user")  # root needs none, and a user namespace would keep it root
    return args


def python_dirs() -> list[str]:
    """The folders Python imports from (view.python_paths: never a checkout of kl-drill)."""
    return view.python_paths()


def command(snapshot: Path, info_fd: int) -> list[str]:
    """The bwrap command line for one submission's sandbox (bwrap says its pid 1 on ``info_fd``).

    The file system inside is only what view.py lists (Python's folders, the shared libraries, a few
    files of /etc), the interpreter's own file, and the snapshot at /submission: not /usr, /opt or /home
    whole, so no checkout of kl-drill, wherever it lives, is in it."""
    # /tmp first: Python, a checkout or the submission may live under /tmp (a CI clone, say), and are
    # bound back inside the private /tmp below.
    args = ["bwrap", *_namespace_args(), "--info-fd", str(info_fd), "--proc", "/proc", "--dev", "/dev",
            "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    for top in _LINKS:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
    shown, covered = view.roots()
    binds = [*shown, view.interpreter()]
    # The folders above them, made by bwrap, would be root's and closed (0700) to the learner's uid.
    above = {str(p) for d in binds for p in Path(d).parents if str(p) != "/"}
    for folder in sorted(above, key=lambda p: p.count("/")):
        args += ["--perms", "0755", "--dir", folder]
    for d in binds:
        args += ["--ro-bind", d, d]
    # kl-drill inside a bound folder (a wheel in site-packages): replaced by an empty folder.
    for h in covered:
        args += ["--tmpfs", h] if os.path.isdir(h) else ["--ro-bind", "/dev/null", h]
    args += ["--ro-bind", str(snapshot), INSIDE,
             "--chdir", "/tmp", "--", view.interpreter(), "-I", "-S", "-c", _PLACEHOLDER]
    return args


class Sandbox:
    """One running sandbox; ``pid`` is its pid 1 as the judge sees it."""

    def __init__(self, snapshot: Path, timeout: float = 20.0) -> None:
        info_r, info_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                command(snapshot, info_w), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=[info_w], env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, cwd="/",
            )
        except OSError as exc:
            os.close(info_r)
            os.close(info_w)
            raise SandboxError(f"bwrap could not start: {exc.strerror}") from None
        os.close(info_w)
        try:
            self.pid = self._handshake(info_r, timeout)
        except SandboxError:
            self.close()
            raise
        finally:
            os.close(info_r)

    def _handshake(self, info_r: int, timeout: float) -> int:
        """bwrap's pid 1, once bwrap has said it (on the info pipe) and the sandbox is set up (the
        placeholder's byte)."""
        info, ready, info_open = b"", False, True
        deadline = time.monotonic() + timeout
        while not ready or info_open:
            left = deadline - time.monotonic()
            streams = ([] if ready else [self.process.stdout]) + ([info_r] if info_open else [])
            readable, _, _ = select.select(streams, [], [], max(0.0, left))
            if not readable:
                raise SandboxError(f"bwrap did not start within {timeout:g} s")
            if self.process.stdout in readable:
                if self.process.stdout.read(1) != b"r":
                    err = self.process.stderr.read(2000).decode(errors="replace").strip().splitlines()
                    raise SandboxError(f"bwrap failed: {err[-1] if err else 'no message'}")
                ready = True
            if info_r in readable:
                chunk = os.read(info_r, 4096)
                info += chunk
                info_open = bool(chunk) and not info.rstrip().endswith(b"}")
        try:
            return int(json.loads(info)["child-pid"])
        except (ValueError, KeyError, TypeError):
            raise SandboxError("bwrap did not say which process is the sandbox") from None

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """End the sandbox and everything in it (killing its pid 1 ends its whole pid namespace)."""
        for pid in (getattr(self, "pid", None), self.process.pid):
            if pid:
                try:
                    os.kill(pid, 9)
                except (ProcessLookupError, PermissionError):
                    pass
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()
            except OSError:
                pass
        self.process.wait()


@lru_cache(maxsize=None)
def unavailable_reason() -> str | None:
    """Why bubblewrap cannot sandbox learner code here (None: it can), asked once per process."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    try:
        probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                                *_namespace_args(), "true"], capture_output=True, timeout=20, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not run ({exc})"
    if probe.returncode != 0:
        lines = probe.stderr.decode(errors="replace").strip().splitlines()
        return f"bwrap cannot create namespaces here ({lines[-1] if lines else probe.returncode})"
    return None
