"""What each isolation mode promises beyond a single verdict: a classmate graded at the same time is out of
reach, nothing a grade leaves is there for the next (watch's next save, the next student on the same uid),
the judge's death ends everything its learner started, a uid is let go only once none of its processes is
left, the disk budget holds, and the sandbox shows no folder beyond what Python needs.

Run in every mode this machine has (the sandbox; without it: namespaces as root, the uid alone in a container
without CAP_SYS_ADMIN, which .ci/run runs; tests/test_non_root.py for an ordinary user)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import SOLUTIONS, statuses
from grader.judging.grading import use_sandbox
from grader.isolation.limits import Limits
from grader.isolation.modes import plan

HOSTILE = Path(__file__).resolve().parent / "hostile"
MODES = [pytest.param(True, id="sandbox", marks=pytest.mark.skipif(use_sandbox(None) is False,
                                                                   reason="bubblewrap cannot run here")),
         pytest.param(False, id="no-sandbox")]
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="learner uids exist only when kl-drill runs as root")


def _grade(*args: str, cwd: Path | None = None) -> tuple[dict, subprocess.CompletedProcess]:
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", *args, "--json"], capture_output=True,
                          text=True, timeout=600, cwd=cwd or "/", env={**os.environ, "KLDRILL_LANG": "en"})
    return json.loads(proc.stdout), proc


def _flag(sandbox: bool) -> str:
    return "--sandbox" if sandbox else "--no-sandbox"


ALICE = '''import time
import torch

SLOW = [3.0]


def k3(log_p, log_q):  # ALICE_SECRET: right, and slow at first, so that bob runs meanwhile
    time.sleep(SLOW.pop() if SLOW else 0)
    log_r = log_p - log_q
    return torch.expm1(log_r) - log_r
'''
BOB = '''import glob, os, tempfile, time
import torch


def _alice():
    for top in {tempfile.gettempdir(), "/tmp", "/var/tmp"}:
        for path in glob.glob(os.path.join(top, "kldrill-*", "submission", "*.py")) + glob.glob(
                os.path.join(top, "kldrill-*", "**", "*.py"), recursive=True):
            try:
                source = open(path).read()
            except OSError:
                continue
            if "ALICE_SECRET" in source:
                return source
    return None


FOUND = []


def k3(log_p, log_q):
    ends = time.monotonic() + (3 if not FOUND else 0)  # looks while alice's first call runs
    while not FOUND and time.monotonic() < ends:
        source = _alice()
        if source:
            scope = {}
            exec(source, scope)
            FOUND.append(scope["k3"])
        time.sleep(0.05)
    FOUND.append(None)
    return FOUND[0](log_p, log_q) if FOUND[0] else torch.zeros_like(log_p)
'''


@pytest.mark.parametrize("sandbox", MODES)
def test_a_classmate_graded_at_the_same_time_is_out_of_reach(tmp_path: Path, sandbox: bool) -> None:
    """--jobs 2: bob looks for alice's copy while both are graded (session folders were 0711 in the
    shared temporary folder, the copies 0644)."""
    cls = tmp_path / "class"
    cls.mkdir()
    (cls / "alice.py").write_text(ALICE)
    (cls / "bob.py").write_text(BOB)
    doc, proc = _grade("--batch", str(cls), "-e", "k3", "-j", "2", "--timeout", "10", _flag(sandbox))
    got = {Path(s["submission"]).stem: s["exercises"][0]["status"] for s in doc["submissions"]}
    assert got == {"alice": "passed", "bob": "failed"}, proc.stderr[-1000:]


@root_only
def test_a_session_folder_and_its_copy_are_the_submissions_uid_alone(tmp_path: Path) -> None:
    from grader.isolation.session import LearnerSession, Zygote
    from grader.intake.submission import resolve

    (tmp_path / "k1.py").write_text((SOLUTIONS / "k1.py").read_text())
    zygote = Zygote()
    try:
        with LearnerSession(resolve(str(tmp_path / "k1.py")), zygote=zygote) as session:
            uid = session._uid.uid
            folder = os.stat(session.tmp)
            copy = os.stat(session.tmp / "submission" / "k1.py")
            assert (folder.st_uid, folder.st_mode & 0o777) == (uid, 0o700)
            assert (copy.st_uid, copy.st_mode & 0o777) == (uid, 0o600)
        assert not session.tmp.exists()
    finally:
        zygote.close()


@pytest.mark.parametrize("sandbox", MODES)
def test_a_warm_judge_leaves_nothing_for_the_next_save(sandbox: bool) -> None:
    """kldrill watch grades save after save in one judge: save 2 must not find what save 1 left (files in
    /tmp, /var/tmp, /dev/shm, System V objects, a message queue)."""
    from grader.judging.warm import WarmJudge

    with WarmJudge(limits=Limits(call_timeout=5.0), sandbox=sandbox) as judge:
        first = judge.grade(HOSTILE / "leave_files.py", ["k1"])
        second = judge.grade(HOSTILE / "read_leftovers.py", ["k1"])
    assert first.exercises[0].status == "passed"
    assert second.exercises[0].status == "passed", second.exercises[0].first_failure()
    assert first.isolation == second.isolation == plan(sandbox).label


def _comm_running(comm: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and Path(f"/proc/{pid}/comm").read_text().strip() == comm:
                found.append(int(pid))
        except OSError:
            pass
    return found


DAEMON = '''import ctypes, os, time
import torch


def k3(log_p, log_q):
    libc = ctypes.CDLL(None)
    if libc.fork() == 0:  # a daemon: a new session, no parent-death signal, a name of its own
        libc.setsid()
        libc.prctl(1, 0, 0, 0, 0)
        libc.prctl(15, {daemon!r}, 0, 0, 0)
        time.sleep(120)
        os._exit(0)
    libc.prctl(15, {learner!r}, 0, 0, 0)
    time.sleep(120)
'''


@root_only
@pytest.mark.parametrize("sandbox", MODES)
def test_the_judge_dying_ends_everything_its_learner_started(tmp_path: Path, sandbox: bool) -> None:
    """Killed with SIGKILL mid-grade (as the command line does at its deadline), the judge runs no
    clean-up: the learner dies with it (its parent-death signal, set again after the uid change) and the
    supervisor kills what it left, a daemon with no death signal, before the uid can go to anyone else."""
    daemon, learner = f"d{uuid.uuid4().hex[:14]}", f"l{uuid.uuid4().hex[:14]}"
    path = tmp_path / "daemon.py"
    path.write_text(DAEMON.format(daemon=daemon.encode(), learner=learner.encode()))
    cli = subprocess.Popen([sys.executable, "-m", "grader", "grade", str(path), "-e", "k3", "--json",
                            "--timeout", "100", "--budget", "100", _flag(sandbox)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd="/", env={**os.environ, "KLDRILL_LANG": "en"})
    try:
        ends = time.monotonic() + 90
        while not (_comm_running(daemon) and _comm_running(learner)) and time.monotonic() < ends:
            time.sleep(0.05)
        assert _comm_running(daemon) and _comm_running(learner), "the submission never started"
        judge = next(int(p) for p in Path(f"/proc/{cli.pid}/task/{cli.pid}/children").read_text().split()
                     if b"grader.judging.judge" in Path(f"/proc/{p}/cmdline").read_bytes())
        os.kill(judge, signal.SIGKILL)
        cli.communicate(timeout=60)
        ends = time.monotonic() + 15
        while (_comm_running(daemon) or _comm_running(learner)) and time.monotonic() < ends:
            time.sleep(0.1)
        assert not _comm_running(daemon) and not _comm_running(learner)
    finally:
        for pid in _comm_running(daemon) + _comm_running(learner):
            os.kill(pid, signal.SIGKILL)
        if cli.poll() is None:
            cli.kill()


@root_only
def test_a_uid_is_let_go_only_once_none_of_its_processes_is_left() -> None:
    from grader.isolation import reaper
    from grader.isolation.privileges import become
    from grader.isolation.uids import BASE, COUNT, LearnerUid

    slot = int(uuid.uuid4().int % (COUNT // 2)) + COUNT // 4
    held = LearnerUid(slot)
    uid = held.uid

    def stray() -> int:  # a process of the uid, as a daemon the submission left would be
        pid = os.fork()
        if pid == 0:
            try:
                become(uid)
                time.sleep(60)
            finally:
                os._exit(0)
        ends = time.monotonic() + 10
        while pid not in reaper.pids_of(uid) and time.monotonic() < ends:
            time.sleep(0.01)  # (until it has become the uid)
        return pid

    first = stray()
    assert held.release() and reaper.pids_of(uid) == []  # released only once its processes were ended
    os.waitpid(first, 0)
    # A process of a free uid, left by a judge killed before its supervisor could act: the next
    # submission given that uid finds none.
    second = stray()
    again = LearnerUid(uid - BASE)
    try:
        assert again.uid == uid and reaper.pids_of(uid) == []
    finally:
        again.release()
        os.waitpid(second, 0)


DISK = '''import os


def k1(log_p, log_q):
    chunk, written = b"\\0" * (1 << 20), 0
    try:
        for i in range(4096):
            with open(f"f{i}", "wb") as f:
                f.write(chunk)
            written += 1
    except OSError as exc:
        raise RuntimeError(f"stopped after {written} MiB: {exc.strerror}")
    raise RuntimeError(f"wrote {written} MiB")
'''


@pytest.mark.parametrize("sandbox", MODES)
def test_the_disk_budget_stops_a_submission_that_writes_without_end(tmp_path: Path, sandbox: bool) -> None:
    """4 GiB asked for, in 1 MiB files: stopped at the budget (64 MiB) by a tmpfs (No space left), or by the
    disk watch killing it where no tmpfs can be mounted (a container, an ordinary user)."""
    (tmp_path / "disk.py").write_text(DISK)
    started = time.monotonic()
    doc, _ = _grade(str(tmp_path / "disk.py"), "-e", "k1", "--timeout", "20", _flag(sandbox))
    assert time.monotonic() - started < 200
    message = doc["exercises"][0]["checks"][0]["message"]
    assert doc["exercises"][0]["status"] == "failed"
    assert "disk budget (64 MiB, 1024 files)" in message or "stopped after 6" in message, message
    assert doc["isolation"] == plan(sandbox).label


@pytest.mark.skipif(use_sandbox(None) is False, reason="bubblewrap cannot run here")
def test_the_sandbox_binds_no_prefix_a_checkout_could_hide_in(tmp_path: Path) -> None:
    from grader.isolation.sandbox import command

    args = command(tmp_path, 3)
    binds = [args[i + 1] for i, a in enumerate(args) if a == "--ro-bind"]
    for prefix in ("/", "/usr", "/etc", "/opt", "/home", "/root", "/srv", "/usr/src", "/usr/local", "/work"):
        assert prefix not in binds
    assert not any(b.startswith(("/usr/src", "/opt", "/home", "/srv")) for b in binds)


@pytest.mark.parametrize("sandbox", MODES)
def test_the_reference_is_graded_the_same_in_every_mode(sandbox: bool) -> None:
    doc, proc = _grade(str(SOLUTIONS), _flag(sandbox))
    assert proc.returncode == 0 and doc["score"] == doc["max_score"], proc.stderr[-1000:]
    assert set(statuses(doc).values()) == {"passed"} and doc["isolation"] == plan(sandbox).label
