"""Ctrl-C, as a terminal sends it: SIGINT to the command's whole process group, mid-work.

Every command must end promptly, print one line in the chosen language (not click's "Aborted!"), exit 130
(the shell's status for a program ended by SIGINT: 1 would read as "a check failed"), and leave nothing
running that it started: the judge, its workers, the zygote, learner processes, bubblewrap.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import ROOT, SOLUTIONS, kldrill

HANG = "def {name}(log_p, log_q):\n    while True:\n        pass\n"
HANGING_K1 = HANG.format(name="k1")
# Ends well within this after a Ctrl-C (the design: at most a second for the judge to clean up, then
# SIGKILL); the bound is looser because these machines are shared. A hang was 40 s to minutes.
ENDS_WITHIN = 5.0
MESSAGE = {"en": "stopped (Ctrl-C); nothing is left running.", "zh": "已中断（Ctrl-C），没有留下任何进程。"}


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[19])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> dict[int, tuple[int, str]]:
    """Every live process below ``root``: pid -> (start time, so that a reused pid is not mistaken;
    command line)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None:
                children.setdefault(st[1], []).append(int(entry))
    found, todo = {}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            st = _stat(child)
            if st is not None and st[0] != "Z":
                found[child] = (st[2], _cmdline(child))
                todo.append(child)
    return found


def still_running(procs: dict[int, tuple[int, str]]) -> list[str]:
    left = []
    for pid, (started, command) in procs.items():
        st = _stat(pid)
        if st is not None and st[2] == started and st[0] != "Z":
            left.append(f"{pid} {command[:120]}")
    return left


class Command:
    """A kldrill command in a session of its own (its pid is its process group, as a shell's job)."""

    def __init__(self, args: list[str], cwd: Path, lang: str = "en", env: dict | None = None,
                 stdin: int | None = subprocess.PIPE) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "grader", *args, "--lang", lang], cwd=cwd,
                                     stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True,
                                     env={**os.environ, "KLDRILL_LANG": lang, "TERM": "dumb", **(env or {})})
        self.out, self.err = bytearray(), bytearray()
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _read(stream, sink: bytearray) -> None:  # noqa: ANN001
        for chunk in iter(lambda: stream.read1(65536), b""):
            sink.extend(chunk)

    @property
    def stdout(self) -> str:
        return self.out.decode(errors="replace")

    @property
    def stderr(self) -> str:
        return self.err.decode(errors="replace")

    def wait_until(self, ready, what: str, timeout: float = 180.0) -> None:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while not ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"ended before {what}: {self.stdout[-2000:]}\n{self.stderr[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s: {self.stdout[-2000:]}\n{self.stderr[-2000:]}")
            time.sleep(0.1)

    def learner_running(self) -> bool:
        """A learner process is up: the zygote has forked one (a second process of the same command)."""
        below = descendants(self.proc.pid).values()
        return sum("grader.isolation.zygote" in command for _, command in below) >= 2

    def interrupt(self) -> tuple[int, float, dict[int, tuple[int, str]]]:
        """Ctrl-C: SIGINT to the process group. Its exit status, the seconds it took, and what ran below it."""
        below = descendants(self.proc.pid)
        started = time.monotonic()
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            code = self.proc.wait(timeout=120)
        finally:
            self.kill()
        return code, time.monotonic() - started, below

    def kill(self) -> None:
        for pid in descendants(self.proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def assert_interrupted(command: Command, lang: str = "en", learner: bool = True) -> None:
    """Ctrl-C now: exit 130 within ENDS_WITHIN s, our line on stderr, nothing left behind."""
    code, seconds, below = command.interrupt()
    time.sleep(0.3)  # let the pipes drain
    assert code == 130, (code, command.stderr[-3000:])
    assert seconds < ENDS_WITHIN, f"took {seconds:.1f} s to end"
    assert MESSAGE[lang] in command.stderr, command.stderr[-3000:]
    assert "Aborted!" not in command.stderr and "Traceback" not in command.stderr, command.stderr[-3000:]
    if learner:  # it was interrupted mid-grading, a learner process running
        assert sum("grader.isolation.zygote" in command for _, command in below.values()) >= 2, below
    deadline = time.monotonic() + 2.0
    while (left := still_running(below)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"left running after Ctrl-C: {left}"


@pytest.fixture
def hanging(tmp_path: Path) -> Path:
    path = tmp_path / "hang.py"
    path.write_text(HANGING_K1 + HANG.format(name="k3"))
    return path


@pytest.mark.parametrize("lang,extra", [("zh", []), ("en", ["-e", "k1"])], ids=["single-zh", "one-exercise"])
def test_grade(tmp_path: Path, hanging: Path, lang: str, extra: list[str]) -> None:
    command = Command(["grade", str(hanging), "--timeout", "60", *extra], tmp_path, lang)
    command.wait_until(command.learner_running, "a learner process")
    time.sleep(1.0)  # well into the hanging call
    assert_interrupted(command, lang)


def test_grade_batch(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    klass.mkdir()
    for n in range(4):
        (klass / f"s{n}.py").write_text(HANGING_K1)
    command = Command(["grade", "--batch", str(klass), "-e", "k1", "--timeout", "60", "-j", "2"], tmp_path)
    command.wait_until(command.learner_running, "a learner process")
    time.sleep(1.0)
    assert_interrupted(command)


def test_watch(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert kldrill("init", "--track", "1", str(ws)).returncode == 0
    (ws / "k1.py").write_text(HANGING_K1)
    command = Command(["watch", str(ws), "--timeout", "60"], tmp_path)
    command.wait_until(command.learner_running, "a learner process")
    time.sleep(1.0)
    assert_interrupted(command)


def test_watch_while_idle_in_chinese(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert kldrill("init", "--track", "1", str(ws)).returncode == 0
    command = Command(["watch", str(ws)], tmp_path, "zh")
    command.wait_until(lambda: "保存" in command.stdout or "监视" in command.stdout, "the watch's first verdict")
    assert_interrupted(command, "zh", learner=False)


def test_interview_keeps_its_partial_scorecard(tmp_path: Path) -> None:
    folder = tmp_path / "iv"
    command = Command(["interview", "--exercise", "k1", str(folder)], tmp_path,
                      env={"KLDRILL_DATA_DIR": str(tmp_path / "data")})
    command.wait_until(lambda: "clock is running" in command.stdout, "the interview's start")
    (folder / "k1.py").write_text(HANGING_K1)
    command.wait_until(command.learner_running, "a learner process")
    time.sleep(1.0)
    assert_interrupted(command)
    assert "Scorecard" in command.stdout and "stopped" in command.stdout


def _due_question(data: Path) -> None:
    """A quiz question answered wrong an hour ago: due now."""
    from grader.quiz.progress import BUILTIN_BANK, Store

    with Store.open(data / "progress.sqlite3", clock=lambda: datetime.now(timezone.utc) - timedelta(hours=1)) as store:
        store.record(BUILTIN_BANK, "k1-value", "k1", False, "en")


def test_quiz_and_review_at_a_prompt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _due_question(data)
    for args in (["quiz", "--ids", "k1-value"], ["review"]):
        command = Command(args, tmp_path, env={"KLDRILL_DATA_DIR": str(data)})
        command.wait_until(lambda: "What is k1 for this sample?" in command.stdout, "a question")
        time.sleep(0.5)  # at the prompt
        assert_interrupted(command, learner=False)


def test_drill_check(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    assert kldrill("drill", "--fix", "k1", str(folder)).returncode == 0
    (folder / "k1.py").write_text(HANGING_K1)
    command = Command(["drill", "--check", str(folder)], tmp_path)
    command.wait_until(command.learner_running, "a learner process")
    time.sleep(1.0)
    assert_interrupted(command)


def test_lab_with_the_learners_code(tmp_path: Path, hanging: Path) -> None:
    command = Command(["lab", "--impl", str(hanging)], tmp_path)
    command.wait_until(command.learner_running, "a learner process")
    time.sleep(1.0)
    assert_interrupted(command)
