"""Unprivileged uids for learner code when kl-drill runs as root: one per running submission.

A uid of its own means the submission's processes cannot signal the judge or a neighbour, cannot read
their /proc entries, cannot write root's files, and can all be killed at once (``kill_all_of``). A lock
file held for the submission's lifetime keeps two judges on one machine from sharing one; it is also
handed to the supervisor (supervisor.py), which holds it past the judge's death until no process of the
uid is left, and a uid is let go only once none is.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import socket
import stat
import subprocess
import sys
import tempfile

from grader.isolation import reaper

BASE = 2_000_000_000  # far above the uids of accounts and of rootless containers' ranges
COUNT = 4096
_LOCKS = "/run/kldrill-uids"


def _lock_folder() -> str:
    """Root's own folder for the locks: /run's, else one in the temporary folder (never a folder
    someone else made, which could hold locks to starve us or links to make us write elsewhere)."""
    for folder in (_LOCKS, os.path.join(tempfile.gettempdir(), "kldrill-uids")):
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            st = os.lstat(folder)
            if st.st_uid == 0 and stat.S_ISDIR(st.st_mode) and not st.st_mode & 0o077:
                return folder
        except OSError:
            continue
    raise OSError("no folder for learner uid locks")


class LearnerUid:
    """A free uid, locked: ``first`` says where to start looking; ``files``: whether the uid may write in
    the shared temporary folders (no sandbox, no Landlock), so that what it left there goes with it."""

    def __init__(self, first: int = 0, files: bool = True) -> None:
        self.files = files
        locks = _lock_folder()
        for n in range(COUNT):
            uid = BASE + (first + n) % COUNT
            try:
                pwd.getpwuid(uid)
                continue  # an account has it
            except KeyError:
                pass
            fd = os.open(os.path.join(locks, str(uid)), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            # Free, but processes of it may be left from a judge killed without its supervisor.
            if not reaper.clean(uid, timeout=2.0, files=files):
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            _tell_supervisor(f"hold {uid}" + (" files" if files else ""), fd)
            return
        raise OSError("no free learner uid")

    def release(self) -> bool:
        """End the uid's processes and remove what they left; the uid is let go only once no process
        of it is left (whether it was). A uid kept stays with the supervisor, which tries again once
        this judge is gone."""
        if self._fd < 0:
            return True
        if not reaper.clean(self.uid, files=self.files):
            return False
        _tell_supervisor(f"done {self.uid}")
        os.close(self._fd)
        self._fd = -1
        return True


_supervisor: list[socket.socket] = []  # this judge's end of its channel, once started


def _tell_supervisor(message: str, fd: int | None = None) -> None:
    """Send the supervisor ``message`` (with ``fd``), starting it on first use. Forks of this process
    (a batch's judge workers) share it; its end closes when the last of them is gone."""
    if not _supervisor:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            subprocess.Popen([sys.executable, "-I", "-m", "grader.isolation.supervisor"], stdin=theirs,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/",
                             start_new_session=True, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        _supervisor.append(ours)
    socket.send_fds(_supervisor[0], [message.encode()], [fd] if fd is not None else [])
