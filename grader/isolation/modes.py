"""Which isolation holds for a submission's code: decided by the judge before any of it runs, carried out by
the learner's process or no learner code runs (worker.py), and named in every verdict and export.

The names (``Plan.label``):
- ``sandbox``: bubblewrap (sandbox.py).
- ``namespaces`` (+``landlock``): root without the sandbox, a uid of the submission's own, private mount,
  network and IPC namespaces in which kl-drill's files are empty folders.
- ``uid`` (+``landlock``): root where namespaces are refused (a container without CAP_SYS_ADMIN): the uid,
  files closed to it, and Landlock's narrowed view where the kernel has it.
- ``user+landlock``: an ordinary user without the sandbox, Landlock's view.
- ``none``: nothing keeps the reference from the code (an ordinary user without the sandbox or Landlock,
  or root whose installed reference every user can read, without Landlock or namespaces).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from grader.isolation import landlock, privileges
from grader.isolation.hidden import hidden_paths

NAMESPACES = privileges.CLONE_NEWNS | privileges.CLONE_NEWNET | privileges.CLONE_NEWIPC


@dataclass(frozen=True)
class Plan:
    sandbox: bool
    namespaces: bool  # as root, without the sandbox: mount, network and IPC namespaces
    uid: bool  # a uid of the submission's own (as root)
    landlock: int  # the Landlock ABI applied (0: none)
    exposed: bool  # the reference, the checks or a checkout are readable by the code

    @property
    def label(self) -> str:
        if self.sandbox:
            return "sandbox"
        if self.exposed:
            return "none"
        base = "namespaces" if self.namespaces else "uid" if self.uid else "user"
        return base + ("+landlock" if self.landlock else "")


def readable_by_others(path: str) -> bool:
    """Whether a user other than its owner may read ``path`` (every folder above it passable)."""
    target = Path(path)
    try:
        for folder in [*reversed(target.parents), target]:
            mode = os.stat(folder).st_mode
            if folder == target:
                return bool(mode & 0o004)
            if not mode & 0o001:
                return False
    except OSError:
        return False
    return False


@lru_cache(maxsize=None)
def plan(sandbox: bool) -> Plan:
    """What will hold for learner code run here (``sandbox``: in bubblewrap)."""
    if sandbox:
        return Plan(True, False, os.geteuid() == 0, 0, False)
    root = os.geteuid() == 0
    namespaces = root and privileges.can_unshare(NAMESPACES)
    version = landlock.abi()
    if namespaces or version:
        exposed = False
    else:
        exposed = not root or any(readable_by_others(h) for h in hidden_paths())
    return Plan(False, namespaces, root, version, exposed)
