"""The zygote: imports torch once, then forks a fresh learner process per request.

Run by the judge as ``python -I -m grader.isolation.zygote LISTEN_FD``, with a pipe on stdin whose end-of-file
means "the judge is gone: end everything". Requests arrive on the listening Unix socket, one per
connection: ``spawn`` (with the worker's three pipe ends attached) or ``kill``. The zygote is a child
subreaper, so processes a submission starts and abandons end up here and are killed.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import socket
import struct
import sys

from grader.isolation import privileges

def _descends_from_me(pid: int) -> bool:
    """Whether process ``pid`` is one this zygote started (or adopted): a learner's process, or what it
    forked. Its parent chain is walked up to init."""
    me, seen = os.getpid(), 0
    if pid <= 0:
        return True  # a peer whose pid cannot be told here is not the judge
    while pid > 1 and seen < 4096:
        if pid == me:
            return True
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
            pid = int(stat[stat.rindex(b")") + 2:].split()[1])  # the parent, after "(comm) state"
        except (OSError, ValueError, IndexError):
            return True  # gone or unreadable: not to be trusted
        seen += 1
    return False


def _peer_pid(conn: socket.socket) -> int:
    pid, _, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return pid


def _children() -> list[int]:
    pid = os.getpid()
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _sweep(workers: set[int]) -> None:
    """Forget dead workers; kill every other child (orphans a submission left behind)."""
    children = set(_children())
    workers.intersection_update(children)
    for pid in children - workers:
        _kill_group(pid)


def _spawn(spec: dict, fds: list[int], listener: socket.socket, conn: socket.socket) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            listener.close()
            conn.close()
            from grader.isolation.worker import run

            run(spec, *fds)
        finally:
            os._exit(70)
    for fd in fds:
        os.close(fd)
    return pid


def serve(listener: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    workers: set[int] = set()
    lifeline = sys.stdin.fileno()
    try:
        while True:
            ready, _, _ = select.select([listener, lifeline], [], [], 0.5)
            if lifeline in ready and not os.read(lifeline, 1):
                return
            if listener not in ready:
                _sweep(workers)  # when idle, and before each spawn: not on every ping
                continue
            conn, _ = listener.accept()
            with conn:
                # Only the judge may ask: learner code running as the same user (no sandbox, not root)
                # could otherwise connect and have this process spawn or kill.
                if _descends_from_me(_peer_pid(conn)):
                    continue
                try:
                    msg, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
                    request = json.loads(msg or b"{}")
                except (OSError, ValueError):
                    continue  # a caller that hung up or sent nonsense: serve the next one
                if request.get("op") == "spawn" and len(fds) == 3:
                    _sweep(workers)
                    pid = _spawn(request["spec"], fds, listener, conn)
                    workers.add(pid)
                    conn.sendall(json.dumps({"pid": pid}).encode())
                elif request.get("op") == "ping":
                    conn.sendall(b"pong")
                elif request.get("op") == "kill":
                    pid = int(request["pid"])
                    _kill_group(pid)
                    workers.discard(pid)
                    conn.sendall(b'{"ok": true}')
                else:
                    for fd in fds:
                        os.close(fd)
    finally:
        for pid in _children():
            _kill_group(pid)


def main() -> None:
    listener = socket.socket(fileno=int(sys.argv[1]))
    privileges.die_with_parent()
    privileges.try_prctl(privileges.PR_SET_CHILD_SUBREAPER, 1)
    privileges.not_dumpable()
    import torch  # noqa: F401  (the cost every worker then shares)
    import numpy  # noqa: F401

    import grader.isolation.worker

    grader.isolation.worker.warm_up_meta()  # the checks' meta-device calls, paid once here (issue #12)

    # What the workers inherit stays out of their collections, which would otherwise write to every
    # object's header and so copy, page by page, the memory they share with this process.
    gc.collect()
    gc.freeze()
    serve(listener)
    os._exit(0)  # children are ended; skip torch's interpreter teardown, which the judge would wait for


if __name__ == "__main__":
    main()
