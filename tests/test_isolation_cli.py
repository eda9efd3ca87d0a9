"""What the command line guarantees whatever the submission or its folder holds (both modes)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import EXERCISES, SOLUTIONS, kldrill, statuses
from grader.judging.grading import use_sandbox

MODES = [pytest.param("--sandbox", marks=pytest.mark.skipif(use_sandbox(None) is False,
                                                            reason="bubblewrap cannot run here")),
         "--no-sandbox"]
FORGED = '{"submission": "x", "score": 5.0, "max_score": 5.0, "exercises": []}'


def _shadowing_folder(folder: Path) -> None:
    """Modules named like the grader's own, each printing a forged full-marks verdict and exiting."""
    forge = f"import os, sys\nsys.stdout.write({FORGED!r} + '\\n'); sys.stdout.flush(); os._exit(0)\n"
    for name in ("json", "torch", "pytest", "selectors", "random", "subprocess"):
        (folder / f"{name}.py").write_text(forge)
    (folder / "grader").mkdir()
    (folder / "grader" / "__init__.py").write_text(forge)
    (folder / "grader" / "judge.py").write_text(forge)


@pytest.mark.parametrize("mode", MODES)
def test_nothing_is_imported_from_the_current_folder(tmp_path: Path, mode: str) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(EXERCISES / "k1.py", ws / "k1.py")  # an untouched stub: must score 0
    _shadowing_folder(ws)
    proc = subprocess.run([str(Path(sys.executable).parent / "kldrill"), "grade", "--json", mode],
                          cwd=ws, capture_output=True, text=True, timeout=300, env={**os.environ, "KLDRILL_LANG": "en"})
    doc = json.loads(proc.stdout)
    assert proc.returncode == 1 and doc["score"] == 0.0 and statuses(doc)["k1"] == "failed", proc.stdout[:300]


@pytest.mark.parametrize("mode", MODES)
def test_a_batch_graded_from_inside_the_class_folder(tmp_path: Path, mode: str) -> None:
    cls = tmp_path / "class"
    (cls / "alice").mkdir(parents=True)
    shutil.copy(EXERCISES / "k1.py", cls / "alice" / "k1.py")
    shutil.copy(SOLUTIONS / "k1.py", cls / "bob.py")
    _shadowing_folder(cls / "alice")
    proc = subprocess.run([str(Path(sys.executable).parent / "kldrill"), "grade", "--batch", ".", "-e", "k1",
                           "--json", mode], cwd=cls / "alice", capture_output=True, text=True, timeout=300)
    # (run from inside alice/, whose shadowing modules are also batch entries' neighbours)
    assert proc.returncode in (1, 2), proc.stderr
    proc = subprocess.run([str(Path(sys.executable).parent / "kldrill"), "grade", "--batch", str(cls), "-e", "k1",
                           "--json", mode], cwd=cls / "alice", capture_output=True, text=True, timeout=300)
    doc = json.loads(proc.stdout)
    got = {Path(s["submission"]).name: s["score"] for s in doc["submissions"]}
    assert got["bob.py"] == 1.0 and got["alice"] == 0.0, got


def test_an_honest_file_directly_in_tmp_passes_in_the_sandbox() -> None:
    if use_sandbox(None) is False:
        pytest.skip("bubblewrap cannot run here")
    path = Path("/tmp") / f"kldrill_honest_{uuid.uuid4().hex}.py"
    shutil.copy(SOLUTIONS / "k3.py", path)
    try:
        proc = kldrill("grade", str(path), "-e", "k3", "--json", "--sandbox")
    finally:
        path.unlink()
    assert proc.returncode == 0 and statuses(json.loads(proc.stdout)) == {"k3": "passed"}


@pytest.mark.parametrize("mode", MODES)
def test_a_batch_entry_linking_to_the_reference_earns_nothing(tmp_path: Path, mode: str) -> None:
    cls = tmp_path / "class"
    cls.mkdir()
    (cls / "linked").symlink_to(SOLUTIONS)
    (cls / "linked_file.py").symlink_to(SOLUTIONS / "k1.py")
    shutil.copy(SOLUTIONS / "k1.py", cls / "zoe.py")
    proc = kldrill("grade", "--batch", str(cls), "-e", "k1", "--json", mode)
    doc = json.loads(proc.stdout)
    got = {Path(s["submission"]).name: s["exercises"][0] for s in doc["submissions"]}
    assert got["zoe.py"]["status"] == "passed"
    for name in ("linked", "linked_file.py"):
        assert got[name]["status"] == "error" and "link" in got[name]["checks"][0]["message"], got[name]


def _judge_of(cli: subprocess.Popen, timeout: float = 60) -> int:
    """The pid of the judge the command line started."""
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        try:
            for pid in Path(f"/proc/{cli.pid}/task/{cli.pid}/children").read_text().split():
                if b"grader.judging.judge" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return int(pid)
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("no judge process appeared")


def _running(comm: str) -> bool:
    """Whether a process named ``comm`` (prctl PR_SET_NAME) runs: the learner's code saying it started,
    where it can write no file the test could see (Landlock, namespaces)."""
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and Path(f"/proc/{pid}/comm").read_text().strip() == comm:
                return True
        except OSError:
            pass
    return False


@pytest.mark.parametrize("sig,phrase", [(signal.SIGKILL, "SIGKILL"), (signal.SIGSTOP, "did not finish")])
def test_a_judge_killed_or_stopped_still_gives_one_json_answer(write, sig: int, phrase: str) -> None:
    """What a same-user submission could do to the judge without a sandbox: the verdicts already
    final stand, the rest are errors saying why, exit 1 (exit 3 is for kl-drill's own bugs)."""
    comm = f"k3{uuid.uuid4().hex[:13]}"
    path = write("slow.py", "import ctypes, time\n\ndef k1(log_p, log_q):\n    return log_q - log_p\n\n"
                            f"def k3(log_p, log_q):\n    ctypes.CDLL(None).prctl(15, {comm.encode()!r}, 0, 0, 0)\n"
                            "    time.sleep(30)\n")
    cli = subprocess.Popen([sys.executable, "-m", "grader", "grade", str(path), "-e", "k1", "-e", "k3", "--json",
                            "--budget", "10", "--timeout", "60", "--no-sandbox"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env={**os.environ, "KLDRILL_LANG": "en"})
    judge = _judge_of(cli)
    ends = time.monotonic() + 60
    while not _running(comm) and time.monotonic() < ends:
        time.sleep(0.05)  # k1 is final once k3 runs
    os.kill(judge, sig)
    out, err = cli.communicate(timeout=120)
    assert not Path(f"/proc/{judge}").exists() or b"grader.judging.judge" not in Path(f"/proc/{judge}/cmdline").read_bytes()
    doc = json.loads(out)
    assert cli.returncode == 1, err
    assert statuses(doc) == {"k1": "passed", "k3": "error"}
    assert phrase in doc["exercises"][1]["checks"][0]["message"]
    # The judge's death ends the learner's code too (its parent-death signal, the supervisor).
    ends = time.monotonic() + 10
    while _running(comm) and time.monotonic() < ends:
        time.sleep(0.1)
    assert not _running(comm)
