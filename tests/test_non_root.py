"""The grader run by an ordinary user: a throwaway account made for the test (root only, removed after).

As that user, with bubblewrap (an unprivileged user namespace), hostile submissions earn nothing; without
it, the judge and the zygote are not dumpable, so the submission cannot open their /proc entries or
ptrace them, and nothing of the user's environment reaches it. (What stays open then is in the README.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import ROOT

HOSTILE = ROOT / "tests" / "hostile"
SANDBOXED = ["import_module_reference.py", "dir_fd_open.py", "git_history.py", "judge_stdout_dir_fd.py",
             "judge_memory.py", "read_judge.py", "environment_leak.py", "read_neighbours.py", "rewrite_grader.py",
             "no_network.py", "kill_everything.py", "zygote_socket.py", "ptrace_and_setuid.py"]
# Without a sandbox, a same-user submission can read the user's files (the reference among them) and
# signal the user's processes: only what not being dumpable and a clean environment guarantee is tested.
# (ptrace_and_setuid is not among them: as the same user, it can stop that user's shell with ptrace.)
UNSANDBOXED = ["judge_stdout_dir_fd.py", "judge_memory.py", "read_judge.py", "environment_leak.py",
               "forged_frames.py", "reply_flood.py", "huge_exception_name.py",
               "patch_torch.py", "tensor_subclass.py"]

needs_root = pytest.mark.skipif(os.geteuid() != 0 or not all(shutil.which(c) for c in ("useradd", "userdel",
                                                                                        "unshare", "su")),
                                reason="needs root and useradd, userdel, unshare, su to make a throwaway user")


def _closed_top(path: str) -> str | None:
    parts = Path(path).parts
    for i in range(2, len(parts) + 1):
        folder = os.path.join(*parts[:i])
        if not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def _as_user(user: str, command: str) -> subprocess.CompletedProcess:
    """``command`` run by ``user`` in a mount namespace of its own where this interpreter (under a
    folder other users cannot enter, pyenv in /root, say) is reachable."""
    steps = []
    for n, folder in enumerate(dict.fromkeys([sys.base_prefix, sys.prefix])):
        top = _closed_top(folder)
        if top is not None:
            keep = f"/tmp/.kldrill-keep-{n}"
            steps += [f"mkdir -p {keep}", f"mount --bind {folder} {keep}",
                      f"mountpoint -q {top} || mount -t tmpfs -o mode=0755 tmpfs {top}",
                      f"mkdir -p {folder}", f"mount --move {keep} {folder}"]
    script = " && ".join(steps + [f"exec su {user} -s /bin/sh -c {json.dumps(command)}"])
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def user():
    name = f"kldrill{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


def _grade_batch(user: str, names: list[str], mode: str, tmp_path: Path) -> dict:
    cls = tmp_path / f"class{mode}"
    cls.mkdir()
    for name in names:
        shutil.copy(HOSTILE / name, cls / name)
    for p in [tmp_path, cls, *cls.iterdir()]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    env = "KLDRILL_LANG=en KLDRILL_HOSTILE_TOKEN=98765-secret"
    proc = _as_user(user, f"cd /tmp && {env} {sys.executable} -m grader grade --batch {cls} --json "
                          f"--timeout 2 {mode}")
    assert proc.stdout.count("\n") == 1, (proc.stdout[-500:], proc.stderr[-2000:])
    return {Path(s["submission"]).name: s for s in json.loads(proc.stdout)["submissions"]}


def _expected(name: str) -> dict[str, str]:
    line = next(l for l in (HOSTILE / name).read_text().splitlines() if l.startswith("# expect:"))
    return dict(kv.split("=") for kv in line.removeprefix("# expect:").split())


@needs_root
@pytest.mark.parametrize("mode,names", [("--sandbox", SANDBOXED), ("--no-sandbox", UNSANDBOXED)])
def test_hostile_submissions_graded_by_an_ordinary_user(user: str, tmp_path: Path, mode: str, names: list) -> None:
    tmp_path.chmod(0o755)
    for parent in tmp_path.parents:
        if not parent.stat().st_mode & 0o001:
            parent.chmod(parent.stat().st_mode | 0o001)  # pytest's base folder is 0700
    if mode == "--sandbox":
        probe = _as_user(user, "bwrap --ro-bind / / --unshare-user --unshare-pid true")
        if probe.returncode != 0:
            pytest.skip(f"bubblewrap cannot make a user namespace here: {probe.stderr.strip()[-200:]}")
    got = _grade_batch(user, names, mode, tmp_path)
    for name in names:
        statuses = {e["name"]: e["status"] for e in got[name]["exercises"]}
        for exercise, status in _expected(name).items():
            assert statuses[exercise] == status, (name, exercise, got[name]["exercises"])
    assert not list((ROOT / "grader").rglob("_hostile_write_probe.py"))
