"""What of the file system the learner's process may read: Python and what it imports from, the system's
shared libraries, a few files of /etc and /dev; never kl-drill's package, its reference or a checkout.

One list for every mode: bubblewrap binds it into the sandbox (sandbox.py), Landlock allows it and nothing
else (landlock.py, worker.py). Folders are named precisely (the standard library's folder, each
site-packages, each folder a loaded library came from), never a prefix such as /usr whole, so a checkout in
/usr/src/app or /opt is not in it. Where kl-drill lies inside one of them (a wheel in site-packages), that
folder is split around it. Computed once, in the judge, from what the judge's own interpreter loaded.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

from grader.isolation.hidden import checkout_root, hidden_paths

SYSTEM_LIBS = ("/lib", "/lib64", "/lib32", "/libx32", "/usr/lib", "/usr/lib64", "/usr/lib32", "/usr/libx32",
               "/usr/local/lib")
ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/passwd",
       "/etc/group", "/etc/nsswitch.conf", "/etc/os-release")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


def _real(path: str) -> str:
    return os.path.realpath(path)


def _loaded_library_folders() -> list[str]:
    """The folders of the shared libraries mapped into this process (torch's, numpy's, Python's own)."""
    folders = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                parts = line.split(None, 5)
                path = parts[5].strip() if len(parts) == 6 else ""
                if path.startswith("/") and ".so" in os.path.basename(path) and not path.endswith("(deleted)"):
                    folders.append(os.path.dirname(path))
    except OSError:
        pass
    return folders


@lru_cache(maxsize=None)
def python_paths() -> list[str]:
    """Real paths of the folders Python imports from (the standard library, lib-dynload, each
    site-packages and other sys.path folder, the folders of loaded libraries), but not a checkout of
    kl-drill (an editable install puts its root on sys.path)."""
    root = checkout_root()
    paths = [sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")]
    paths += [p for p in sys.path if p and os.path.isabs(p)] + _loaded_library_folders()
    found = [_real(p) for p in paths if p and os.path.exists(p)]
    return _outermost(p for p in found if root is None or Path(p) != root)


def interpreter() -> str:
    """The interpreter's own file (what a process inside the sandbox executes)."""
    return _real(sys.executable)


def _outermost(paths) -> list[str]:  # noqa: ANN001 - any iterable of str
    """Each path once, and none inside another of them."""
    unique = sorted(set(paths), key=lambda p: (p.count(os.sep), p))
    kept: list[str] = []
    for p in unique:
        if not any(Path(p).is_relative_to(k) for k in kept):
            kept.append(p)
    return kept


@lru_cache(maxsize=None)
def roots() -> tuple[list[str], list[str]]:
    """(the folders and files to show, the hidden paths strictly inside them, to cover)."""
    hidden = [Path(h) for h in hidden_paths()]
    shown = _outermost([_real(p) for p in SYSTEM_LIBS if os.path.isdir(p)] + python_paths()
                       + [p for p in ETC if os.path.exists(p)])
    shown = [p for p in shown if not any(Path(p).is_relative_to(h) for h in hidden)]
    covered = [str(h) for h in hidden if any(h.is_relative_to(p) and str(h) != p for p in shown)]
    return shown, covered


def split_around(path: str, hidden: list[str]) -> list[str]:
    """``path`` as the entries that make it up without the ``hidden`` paths inside it (recursively: the
    folders that lead to one are split again), for an allow-list that cannot subtract (Landlock)."""
    inside = [h for h in hidden if Path(h).is_relative_to(path)]
    if not inside:
        return [path]
    if path in inside:
        return []
    try:
        entries = sorted(os.listdir(path))
    except OSError:
        return []
    out: list[str] = []
    for name in entries:
        out += split_around(os.path.join(path, name), inside)
    return out


@lru_cache(maxsize=None)
def readable() -> list[str]:
    """Every path the learner's process may read, kl-drill's own split out (for Landlock)."""
    shown, covered = roots()
    out: list[str] = []
    for path in shown:
        out += split_around(path, covered)
    return out
