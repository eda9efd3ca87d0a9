"""Landlock (Linux 5.13+): a process narrows what it, and everything it starts, may reach. No privileges needed.

The learner's process restricts itself, before any learner code runs, to reading the folders it needs
(view.py) and writing its own working folder; where the kernel's Landlock is recent enough, also to no
TCP connection or listening port (ABI 4), and to no signal or abstract Unix socket reaching a process
outside its own domain (ABI 6): the judge, the zygote, the command line, a neighbour's learner process,
the user's shell. Landlock only ever takes rights away, cannot be undone by the process, and holds
across fork, exec, setuid and user namespaces.
"""

from __future__ import annotations

import ctypes
import os
import platform
from functools import lru_cache

_SYS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446), "riscv64": (444, 445, 446)}

# File system rights, by the ABI that introduced them.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1, 2, 4, 8
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = (
    1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12)
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3, 5
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1, 5: (1 << 16) - 1}
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2  # ABI 6

READ = READ_FILE | READ_DIR
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # what a rule on a file may hold
_PATH_BENEATH = 1
_O_PATH = getattr(os, "O_PATH", 0o10000000)


class _Ruleset(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)


def _syscalls() -> tuple[int, int, int] | None:
    return _SYS.get(platform.machine())


@lru_cache(maxsize=None)
def abi() -> int:
    """The kernel's Landlock ABI version (0: none, or turned off)."""
    calls = _syscalls()
    if calls is None:
        return 0
    version = _libc.syscall(calls[0], None, ctypes.c_size_t(0), ctypes.c_uint32(1))  # _VERSION flag
    return max(0, int(version))


def _fs_rights(version: int) -> int:
    return _FS_BY_ABI.get(version, (1 << 16) - 1)


def restrict(read: list[str], write: list[str], version: int | None = None) -> None:
    """Allow only reading ``read`` and reading and writing ``write`` (each a folder, all beneath it, or a
    file), nothing else of the file system, and executing nothing; no TCP (ABI >= 4); no signal or
    abstract socket out of the domain (ABI >= 6). For the calling process and its future children, for
    good (call it with no_new_privs set). A path that is missing or closed to the caller is skipped;
    OSError if the kernel refuses or lacks Landlock."""
    version = abi() if version is None else version
    calls = _syscalls()
    if not version or calls is None:
        raise OSError("Landlock is not available")
    create, add_rule, restrict_self = calls
    handled = _fs_rights(version)
    attr = _Ruleset(handled, NET_BIND_TCP | NET_CONNECT_TCP if version >= 4 else 0,
                    SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if version >= 6 else 0)
    size = ctypes.sizeof(_Ruleset) if version >= 6 else (16 if version >= 4 else 8)
    ruleset = _libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"landlock_create_ruleset: {os.strerror(errno)}")
    try:
        # Reading needs no EXECUTE: loading a library maps it, it does not execute it. So nothing can be
        # executed at all: no shell, no second interpreter.
        rights = [(p, handled & READ) for p in read] + [(p, handled & ~EXECUTE) for p in write]
        for path, allowed in rights:
            try:
                fd = os.open(path, _O_PATH | os.O_CLOEXEC)
            except (FileNotFoundError, NotADirectoryError, PermissionError):
                continue  # not there, or closed to this uid anyway: nothing to allow
            try:
                if not os.path.isdir(path):
                    allowed &= FILE_RIGHTS
                rule = _PathBeneath(allowed, fd)
                if _libc.syscall(add_rule, ruleset, _PATH_BENEATH, ctypes.byref(rule), ctypes.c_uint32(0)):
                    errno = ctypes.get_errno()
                    raise OSError(errno, f"landlock_add_rule {path}: {os.strerror(errno)}")
            finally:
                os.close(fd)
        if _libc.syscall(restrict_self, ruleset, ctypes.c_uint32(0)):
            errno = ctypes.get_errno()
            raise OSError(errno, f"landlock_restrict_self: {os.strerror(errno)}")
    finally:
        os.close(ruleset)
