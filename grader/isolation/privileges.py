"""The Linux system calls learner isolation needs and the standard library lacks (through ctypes).

Every function raises OSError on failure; callers decide what a failure means (most are fatal for the
learner's process, which then never runs learner code).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import signal

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACES = {"ipc": CLONE_NEWIPC, "uts": CLONE_NEWUTS, "net": CLONE_NEWNET, "pid": CLONE_NEWPID,
              "mnt": CLONE_NEWNS}

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
NS_GET_PARENT = 0xB702  # ioctl on a namespace fd: the parent user namespace

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def try_prctl(option: int, value: int) -> bool:
    try:
        prctl(option, value)
        return True
    except (OSError, AttributeError):
        return False


def die_with_parent() -> None:
    try_prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def not_dumpable() -> None:
    """Same-uid processes can no longer open this one's /proc/<pid>/fd, mem or environ, nor ptrace it."""
    try_prctl(PR_SET_DUMPABLE, 0)


def no_new_privs() -> None:
    """Set-uid programs (su, mount, ...) no longer grant anything to this process or its children."""
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                       ctypes.c_ulong(flags), data.encode() if data else None), f"mount {target}")


def _setns(fd: int, nstype: int, what: str) -> None:
    _check(_libc.setns(fd, nstype), f"setns({what})")


def enter_namespaces(pid: int) -> None:
    """Join the namespaces and the root directory of process ``pid`` (a sandbox bubblewrap built).

    User namespaces are joined outermost first, so each later namespace is joined with the
    capabilities its owner grants, and the innermost user namespace last. Children forked afterwards
    are in ``pid``'s pid namespace (this process stays where it was).
    """
    proc = f"/proc/{pid}"
    root = os.open(f"{proc}/root", os.O_RDONLY | os.O_DIRECTORY)
    chain: list[int] = []
    try:
        mine = os.stat("/proc/self/ns/user").st_ino
        fd = os.open(f"{proc}/ns/user", os.O_RDONLY)
        while os.fstat(fd).st_ino != mine:
            chain.append(fd)
            fd = fcntl.ioctl(fd, NS_GET_PARENT)  # EPERM at our own namespace's level
        os.close(fd)
    except OSError:
        pass
    try:
        if chain:
            _setns(chain[-1], CLONE_NEWUSER, "user")
        for name, flag in NAMESPACES.items():
            if os.stat(f"{proc}/ns/{name}").st_ino != os.stat(f"/proc/self/ns/{name}").st_ino:
                fd = os.open(f"{proc}/ns/{name}", os.O_RDONLY)
                try:
                    _setns(fd, flag, name)
                finally:
                    os.close(fd)
        for fd in reversed(chain[:-1]):
            _setns(fd, CLONE_NEWUSER, "user")
        os.fchdir(root)
        os.chroot(".")
    finally:
        os.close(root)
        for fd in chain:
            os.close(fd)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Empty the effective, permitted and inheritable sets (what joining a user namespace grants)."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    for cap in range(64):  # and the bounding set, so nothing can be regained by exec
        try:
            prctl(24, cap)  # PR_CAPBSET_DROP
        except OSError:
            break


def become(uid: int) -> None:
    """Drop root for good: no supplementary groups, gid and uid ``uid`` (real, effective and saved)."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def kill_all_of(uid: int) -> None:
    """SIGKILL every process running as ``uid`` (kill(-1) from a child that has become ``uid``)."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            become(uid)
            os.kill(-1, signal.SIGKILL)
            code = 0
        except BaseException:  # noqa: BLE001 - nothing may escape a forked copy of the judge
            pass
        finally:
            os._exit(code)
    os.waitpid(pid, 0)
