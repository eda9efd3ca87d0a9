"""The grader run by an ordinary user: a throwaway account made for the test (root only, removed after).

As that user, with bubblewrap (an unprivileged user namespace), hostile submissions earn nothing; without
it, where the kernel has Landlock, every hostile entry must hold too (the learner's process reads only
Python's folders and its copy, signals nothing outside itself); without Landlock, the judge and the zygote
are not dumpable, so the submission cannot open their /proc entries or ptrace them, and nothing of the
user's environment reaches it. (What stays open then is in docs/how-grading-works.md.)

The throwaway user must reach the interpreter and the checkout: where a folder above them is closed (pyenv
under /root, a checkout in a 0700 folder), they are made reachable in a mount namespace of the test's own
(``staging``); a closed interpreter folder itself cannot be, and the test says so and skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import ROOT

HOSTILE = ROOT / "tests" / "hostile"
ENTRIES = sorted(p.name for p in HOSTILE.iterdir() if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__"))
SANDBOXED = ["import_module_reference.py", "dir_fd_open.py", "git_history.py", "judge_stdout_dir_fd.py",
             "judge_memory.py", "read_judge.py", "environment_leak.py", "read_neighbours.py", "rewrite_grader.py",
             "no_network.py", "kill_everything.py", "zygote_socket.py", "ptrace_and_setuid.py",
             "ctypes_open_reference.py", "wheel_copy.py", "find_checkouts.py", "read_classmates.py",
             "leave_files.py", "read_leftovers.py", "proc_neighbours.py", "exec_program.py", "abstract_socket.py",
             "fill_disk.py", "many_files.py"]
# Without a sandbox, where the kernel has Landlock, the learner's process reads only Python's folders and its
# copy, writes only its working folder, executes nothing, opens no internet socket and signals nothing outside
# itself: every hostile entry must hold. Without Landlock a same-user submission can read the user's files
# (the reference among them) and signal the user's processes: only what not being dumpable and a clean
# environment guarantee is tested then.
UNSANDBOXED = ["judge_stdout_dir_fd.py", "judge_memory.py", "read_judge.py", "environment_leak.py",
               "forged_frames.py", "reply_flood.py", "huge_exception_name.py",
               "patch_torch.py", "tensor_subclass.py"]

needs_root = pytest.mark.skipif(os.geteuid() != 0 or not all(shutil.which(c) for c in ("useradd", "userdel",
                                                                                        "unshare", "su")),
                                reason="needs root and useradd, userdel, unshare, su to make a throwaway user")


def _closed_top(path: str) -> str | None:
    """The highest folder at or above ``path`` that other users cannot pass through (or read, for
    ``path`` itself), if any."""
    parts = Path(path).parts
    for i in range(2, len(parts) + 1):
        folder = os.path.join(*parts[:i])
        mode = os.stat(folder).st_mode
        if not mode & 0o001 or (folder == path and not mode & 0o004):
            return folder
    return None


def staging(stage: Path) -> tuple[list[tuple[str, str]], str | None]:
    """What the throwaway user needs and may not reach, made reachable: (source, where it must appear) pairs
    to bind in a mount namespace of the user's own, or why that cannot be done.

    The interpreter and the virtual environment are bound back where a folder above them is closed (pyenv
    under /root, a checkout under a 0700 folder); they cannot be copied (torch alone is gigabytes), so one
    that is closed itself is a reason to skip. The checkout is small: where it is closed, kl-drill's own
    files are copied to ``stage`` (readable by all) and bound at its place, so that the editable install
    finds them."""
    pairs: list[tuple[str, str]] = []
    for folder in dict.fromkeys([sys.base_prefix, sys.prefix]):
        mode = os.stat(folder).st_mode
        if not mode & 0o005 == 0o005:
            return [], (f"{folder} is closed to other users (mode {oct(mode & 0o777)}): a throwaway user cannot "
                        f"run this interpreter; make it readable (chmod o+rx) or use one other users can read")
        if _closed_top(folder):
            pairs.append((folder, folder))
    if _closed_top(str(ROOT)):
        shutil.copytree(ROOT, stage, symlinks=True, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__",
                                                                                   "*.pyc"))
        for path in [stage, *stage.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        pairs.insert(0, (str(stage), str(ROOT)))
    return pairs, None


def _as_user(user: str, command: str, pairs: list[tuple[str, str]]) -> subprocess.CompletedProcess:
    """``command`` run by ``user`` in a mount namespace of its own where each ``pairs`` source appears at its
    place: the folders above it that are closed to others are covered with empty open ones first."""
    steps = []
    for n, (source, target) in enumerate(pairs):
        steps += [f"mkdir -p /tmp/.kldrill-keep-{n}", f"mount --bind {source} /tmp/.kldrill-keep-{n}"]
    for n, (_, target) in enumerate(pairs):
        top = _closed_top(target)
        if top is not None and top != target:
            steps.append(f"mountpoint -q {top} || mount -t tmpfs -o mode=0755 tmpfs {top}")
        steps += [f"mkdir -p {target}", f"mount --move /tmp/.kldrill-keep-{n} {target}"]
    script = " && ".join(steps + [f"exec su {user} -s /bin/sh -c {json.dumps(command)}"])
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=1200)


@pytest.fixture(scope="module")
def user():
    name = f"kldrill{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


def _grade_batch(user: str, names: list[str], mode: str, tmp_path: Path, pairs: list) -> dict:
    cls = tmp_path / f"class{mode}"
    cls.mkdir()
    for name in names:
        if (HOSTILE / name).is_dir():
            shutil.copytree(HOSTILE / name, cls / name, symlinks=True)
            for link in (cls / name).rglob("*"):  # a link into the reference still points there
                if link.is_symlink():
                    target = os.path.realpath(HOSTILE / name / link.relative_to(cls / name))
                    link.unlink()
                    link.symlink_to(target)
        else:
            shutil.copy(HOSTILE / name, cls / name)
    for p in [tmp_path, cls, *cls.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)
    env = "KLDRILL_LANG=en KLDRILL_HOSTILE_TOKEN=98765-secret"
    proc = _as_user(user, f"cd /tmp && {env} {sys.executable} -m grader grade --batch {cls} --json "
                          f"--timeout 2 {mode}", pairs)
    assert proc.stdout.count("\n") == 1, (proc.stdout[-500:], proc.stderr[-2000:])
    return {Path(s["submission"]).name: s for s in json.loads(proc.stdout)["submissions"]}


def _expected(name: str) -> dict[str, str]:
    path = HOSTILE / name
    text = "".join(f.read_text() for f in ([path] if path.is_file() else sorted(path.glob("*.py"))))
    return dict(kv.split("=") for m in re.findall(r"^# expect: (.*)$", text, re.M) for kv in m.split())


def _user_label() -> str:
    from grader.isolation import landlock

    return "user+landlock" if landlock.abi() else "none"


def _names(mode: str) -> list[str]:
    from grader.isolation import landlock

    return SANDBOXED if mode == "--sandbox" else ENTRIES if landlock.abi() else UNSANDBOXED


@needs_root
@pytest.mark.parametrize("mode", ["--sandbox", "--no-sandbox"])
def test_hostile_submissions_graded_by_an_ordinary_user(user: str, tmp_path: Path, mode: str) -> None:
    names = _names(mode)
    tmp_path.chmod(0o755)
    for parent in tmp_path.parents:
        if not parent.stat().st_mode & 0o001:
            parent.chmod(parent.stat().st_mode | 0o001)  # pytest's base folder is 0700
    pairs, why = staging(tmp_path / "checkout")
    if why is not None:
        pytest.skip(why)
    if mode == "--sandbox":
        probe = _as_user(user, "bwrap --ro-bind / / --unshare-user --unshare-pid true", pairs)
        if probe.returncode != 0:
            pytest.skip(f"bubblewrap cannot make a user namespace here: {probe.stderr.strip()[-200:]}")
    got = _grade_batch(user, names, mode, tmp_path, pairs)
    for name in names:
        statuses = {e["name"]: e["status"] for e in got[name]["exercises"]}
        for exercise, status in _expected(name).items():
            assert statuses[exercise] == status, (name, exercise, got[name]["exercises"])
        assert got[name]["isolation"] == ("sandbox" if mode == "--sandbox" else _user_label())
    assert not list((ROOT / "grader").rglob("_hostile_write_probe.py"))
