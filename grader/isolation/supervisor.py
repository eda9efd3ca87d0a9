"""The supervisor: a process outside the judge that ends what the learner uids left if the judge dies.

As root, each submission's code runs as a uid of its own, taken with a lock (uids.py). The judge hands
each lock to this process (SCM_RIGHTS, on a socket that is its stdin) as it takes the uid, and says when
it has let the uid go. Should the judge die first (killed at its deadline, say, or by Ctrl-C), its end
of the socket closes: then this process, in a session of its own and root, kills every process of the
uids it still holds, waits until none is left, removes their files and IPC objects (reaper.py), and only
then closes the locks, so that no other submission is given a uid whose processes still run.

Run as ``python -I -m grader.isolation.supervisor``; never imports torch.
"""

from __future__ import annotations

import os
import socket
import sys

from grader.isolation import privileges, reaper


def serve(channel: socket.socket) -> dict[int, tuple[int, bool]]:
    """Follow the judge's messages until its end closes; the locks still held (uid -> (fd, whether its
    files in the shared temporary folders must go too))."""
    held: dict[int, tuple[int, bool]] = {}
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(channel, 64, 1)
        except OSError:
            return held
        if not message:
            return held
        verb, value, *flags = message.decode(errors="replace").split(" ") + [""]
        uid = int(value) if value.isdigit() else -1
        if verb == "hold" and fds:
            old = held.pop(uid, None)
            if old is not None:
                os.close(old[0])
            held[uid] = (fds[0], "files" in flags)
        else:
            for fd in fds:
                os.close(fd)
            if verb == "done" and uid in held:
                os.close(held.pop(uid)[0])


def main() -> None:
    privileges.not_dumpable()
    channel = socket.socket(fileno=sys.stdin.fileno())
    held = serve(channel)
    for uid, (fd, files) in held.items():
        # A uid whose processes cannot all be ended (stuck in the kernel) keeps its lock while this
        # process tries, up to a minute; they can run nothing meanwhile.
        if reaper.clean(uid, timeout=60.0, files=files):
            os.close(fd)


if __name__ == "__main__":
    main()
