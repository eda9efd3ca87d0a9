"""Unprivileged uids for learner code when kl-drill runs as root: one per running submission.

A uid of its own means the submission's processes cannot signal the judge or a neighbour, cannot read
their /proc entries, cannot write root's files, and can all be killed at once (``kill_all_of``). A lock
file held for the submission's lifetime keeps two judges on one machine from sharing one.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import stat
import tempfile

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
    def __init__(self, first: int = 0) -> None:
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
            self.uid, self._fd = uid, fd
            return
        raise OSError("no free learner uid")

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
