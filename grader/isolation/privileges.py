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
MS_REMOUNT = 32
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


def enter_namespaces(pid: int, setup=None) -> None:  # noqa: ANN001 - setup: a callable or None
    """Join the namespaces and the root directory of process ``pid`` (a sandbox bubblewrap built).

    User namespaces are joined outermost first, so each later namespace is joined with the
    capabilities its owner grants, and the innermost user namespace last. ``setup()`` runs once the
    mount namespace is joined and before the innermost user namespace is (with the capabilities over
    that mount namespace, to mount in it). Children forked afterwards are in ``pid``'s pid namespace
    (this process stays where it was).
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
        if setup is not None:
            setup()
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


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


# System V IPC and POSIX message queues: objects that outlive the process that made them, and that no
# file permission or Landlock rule covers; and sockets of the internet (and raw packet) families, which
# Landlock covers for TCP only. No submission needs any of them. Per architecture: the audit arch, the
# x32 ABI's bit (its numbers are refused whole), the calls refused, the number of socket().
_FILTERED = {
    "x86_64": (0xC000003E, 0x40000000, (29, 30, 31, 64, 65, 66, 68, 69, 70, 71, 220, 240, 241), 41),
    "aarch64": (0xC00000B7, 0, (186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 180, 181), 198),
}
_NET_FAMILIES = (2, 10, 17)  # AF_INET, AF_INET6, AF_PACKET


def syscall_filter_available() -> bool:
    import platform

    return platform.machine() in _FILTERED


_probed: dict[int, bool] = {}


def can_unshare(flags: int) -> bool:
    """Whether this process may make the namespaces ``flags`` name (asked once, in a short-lived fork:
    a container without CAP_SYS_ADMIN refuses them)."""
    if flags not in _probed:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                unshare(flags)
                code = 0
            except BaseException:  # noqa: BLE001 - nothing may escape a forked copy of the judge
                pass
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        _probed[flags] = os.waitstatus_to_exitcode(status) == 0
    return _probed[flags]


def filter_syscalls() -> None:
    """Make every System V IPC call (shmget, semget, msgget, ...), mq_open/mq_unlink and socket() of
    the internet or packet families fail with EPERM in this process and its children (a seccomp filter;
    needs no_new_privs). OSError where the architecture is not known here or the kernel refuses."""
    import platform

    known = _FILTERED.get(platform.machine())
    if known is None:
        raise OSError("seccomp: unknown architecture")
    arch, x32, calls, socket_call = known
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny, kill = 0x7FFF0000, 0x00050000 | 1, 0x80000000  # ALLOW, ERRNO(EPERM), KILL_PROCESS
    program = [(ld_abs, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, kill), (ld_abs, 0, 0, 0)]
    if x32:
        program.append((jge, 0, 0, x32))  # (jump filled in below: to "deny")
    program += [(jeq, 0, 0, call) for call in calls]
    program.append((jeq, 0, 0, socket_call))  # (true: to the family test)
    program.append((ret, 0, 0, allow))
    family = len(program)
    program.append((ld_abs, 0, 0, 16))  # socket()'s first argument, the family (low 32 bits)
    program += [(jeq, 0, 0, f) for f in _NET_FAMILIES]
    program.append((ret, 0, 0, allow))
    deny_at = len(program)
    program.append((ret, 0, 0, deny))
    for i, (code, _, _, k) in enumerate(program):  # relative jumps: to "deny", or to the family test
        if code in (jeq, jge) and i > 1:
            target = family if (k == socket_call and i < family) else deny_at
            program[i] = (code, target - i - 1, 0, k)
    filters = (_SockFilter * len(program))(*[_SockFilter(*f) for f in program])
    prog = _SockFprog(len(program), filters)
    _check(_libc.prctl(22, ctypes.c_ulong(2), ctypes.byref(prog), 0, 0), "seccomp")  # PR_SET_SECCOMP, FILTER


def become(uid: int) -> None:
    """Drop root for good: no supplementary groups, gid and uid ``uid`` (real, effective and saved). The
    uid change clears the parent-death signal, so it is set again: the process still dies with its parent."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    die_with_parent()


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
