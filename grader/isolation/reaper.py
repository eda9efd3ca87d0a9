"""Ending everything a learner uid left: its processes, its files in the shared temporary folders, its
SysV IPC objects. Root only (the uids are those of uids.py); used by the judge after each submission and
by the supervisor (supervisor.py) when the judge itself is gone. No torch here.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import stat
import time

from grader.isolation.privileges import kill_all_of

# Where any uid may create files (sticky, world-writable): what a submission leaves there outlives it.
SHARED_TMP = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue")
_MOST_ENTRIES = 20_000  # looked at per clean-up: a crowded /tmp must not keep the judge here


def pids_of(uid: int) -> list[int]:
    """The live processes (zombies aside) with ``uid`` as their real, effective or saved uid."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as f:
                status = f.read(2048)
        except OSError:
            continue  # gone meanwhile
        fields = dict(line.split(b":", 1) for line in status.splitlines() if b":" in line)
        if fields.get(b"State", b"").strip().startswith(b"Z"):
            continue  # a zombie runs nothing and holds nothing; its parent reaps it
        if str(uid).encode() in fields.get(b"Uid", b"").split()[:3]:
            found.append(int(name))
    return found


def end_processes(uid: int, timeout: float = 5.0) -> bool:
    """SIGKILL every process of ``uid`` until none is left; whether none is (within ``timeout``)."""
    ends = time.monotonic() + timeout
    while True:
        if not pids_of(uid):
            return True
        if time.monotonic() > ends:
            return False
        kill_all_of(uid)
        time.sleep(0.01)


def remove_files(uid: int, roots: tuple[str, ...] = SHARED_TMP) -> int:
    """Delete what ``uid`` owns in the shared temporary folders (and in world-writable folders there);
    how many entries. Links are removed, never followed."""
    removed, budget = 0, _MOST_ENTRIES
    pending = [r for r in roots if os.path.isdir(r) and not os.path.islink(r)]
    while pending and budget > 0:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listed = [e for _, e in zip(range(budget), entries)]
        except OSError:
            continue
        budget -= len(listed)
        for entry in listed:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if st.st_uid == uid:
                try:
                    if stat.S_ISDIR(st.st_mode):
                        shutil.rmtree(entry.path)  # fd-based: a link inside is removed, not followed
                    else:
                        os.unlink(entry.path)
                    removed += 1
                except OSError:
                    pass
            elif stat.S_ISDIR(st.st_mode) and st.st_mode & 0o002:
                pending.append(entry.path)  # someone else's world-writable folder: the uid may write there
    return removed


_IPC = (("shm", "shmctl"), ("sem", "semctl"), ("msg", "msgctl"))
IPC_RMID = 0


def remove_ipc(uid: int) -> int:
    """Remove the SysV shared memory segments, semaphore sets and message queues ``uid`` owns or made."""
    libc = ctypes.CDLL(None, use_errno=True)
    removed = 0
    for kind, call in _IPC:
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                header, *rows = f.read().splitlines()
        except OSError:
            continue
        columns = header.split()
        for row in rows:
            values = dict(zip(columns, row.split()))
            if str(uid) not in (values.get("uid"), values.get("cuid")):
                continue
            ident = int(values.get("shmid") or values.get("semid") or values.get("msqid") or -1)
            result = getattr(libc, call)(ident, 0, IPC_RMID, None) if kind == "sem" else \
                getattr(libc, call)(ident, IPC_RMID, None)
            removed += result == 0
    return removed


def clean(uid: int, timeout: float = 5.0, files: bool = True) -> bool:
    """End ``uid``'s processes, then remove its IPC objects and (with ``files``: where it could write
    outside its own folders, no sandbox and no Landlock) its files; whether no process is left (only then
    may the uid go to another submission)."""
    if not end_processes(uid, timeout):
        return False
    if files:
        remove_files(uid)  # (a crowded /tmp takes a fifth of a second: only where the uid could write there)
    remove_ipc(uid)
    return True
