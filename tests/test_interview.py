"""Mock interviews, driven as a person would drive them: in a pseudo-terminal, saving files, typing.

Also the pieces a scripted session cannot pin down: the rating rules, the order exercises come in,
the schedule in the progress database (with an injected clock) and the upgrade of an older database.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import EXERCISES, SOLUTIONS, kldrill
from grader.practice import schedule
from grader.quiz.bank import load_bank
from grader.quiz.progress import EXERCISE_BANK, Store
from grader.resources import questions_file

WRONG_K3 = "def k3(log_p, log_q):\n    return log_q - log_p\n"  # k1 where k3 is asked
BANK = load_bank(questions_file())


class Terminal:
    """A kldrill command in a pseudo-terminal: read what it shows, type into it."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        import sys

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the real CLI, as a shell would start it
            os.chdir(cwd)
            os.execve(sys.executable, [sys.executable, "-m", "grader", *args], env)
        self.seen = ""
        self._pending = ""

    def expect(self, pattern: str, timeout: float = 120.0) -> re.Match:
        end = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self._pending)
            if match:
                self._pending = self._pending[match.end():]
                return match
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {pattern!r} within {timeout} s; the screen ends with:\n"
                                     f"{self.seen[-3000:]}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536).decode("utf-8", "replace")
                except OSError:  # the child is gone and the terminal closed
                    chunk = ""
                if not chunk:
                    raise AssertionError(f"the command ended before {pattern!r}:\n{self.seen[-3000:]}")
                self.seen += chunk
                self._pending += chunk

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def wait(self, timeout: float = 60.0) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                self.seen += os.read(self.fd, 65536).decode("utf-8", "replace")  # the last lines count too
            except OSError:
                pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the command did not end")


def _answer(question_id: str) -> list[str]:
    """What to type for a follow-up question: its key, or for an open question a line and a self-rating."""
    question = BANK.get(question_id)
    if question.type == "open":
        return ["it is what the contract asks\r", "y\r"]
    if question.type == "multi":
        return [",".join(question.answer) + "\r"]
    return [f"{question.answer}\r"]


def _env(data: Path, lang: str = "en") -> dict[str, str]:
    return {**os.environ, "KLDRILL_DATA_DIR": str(data), "KLDRILL_LANG": lang, "TERM": "dumb"}


def test_a_whole_mock_interview_in_a_terminal(tmp_path: Path) -> None:
    folder, data = tmp_path / "iv", tmp_path / "data"
    term = Terminal(["interview", "--exercise", "k3", "--seed", "3", "--followups", "2", "--json", str(folder)],
                    _env(data), tmp_path)
    term.expect(r"The clock is running")
    stub = (folder / "k3.py").read_text()
    assert stub == (EXERCISES / "closed_book" / "k3.py").read_text()  # closed book, not the guided stub
    # A wrong save: graded at once, with the diagnosis.
    (folder / "k3.py").write_text(WRONG_K3)
    term.expect(r"grading… \(k3\.py, save 1")
    term.expect(r"k3: failed")
    term.expect(r"You used k1")
    # A hint, typed.
    term.type("h\r")
    term.expect(r"hint 1/3: k3 adds to k1 a term")
    # A correct save.
    (folder / "k3.py").write_text((SOLUTIONS / "k3.py").read_text())
    term.expect(r"k3: passed")
    term.expect(r"follows up on k3 with 2 question")
    for _ in range(2):
        qid = term.expect(r"\[\d/2\] (\S+)  \(topic").group(1)
        assert BANK.get(qid).exercise == "k3", qid  # follow-ups come from the bank linked to the exercise
        for keys in _answer(qid):
            term.expect(r"(Your answer[^\n]*|Did you get it right\? \[y/n\]): $")
            term.type(keys)
    term.expect(r"Scorecard\r?\n")
    card = json.loads(term.expect(r"(\{\"partial\".*\})\r?\n").group(1))
    assert term.wait() == 0
    (run,) = card["exercises"]
    assert card["partial"] is False
    assert run["exercise"] == "k3" and run["passed"] and run["attempts"] == 2 and run["hints"] == 1
    assert run["failures"] == {"wrong_estimator_k1": 1}, run["failures"]  # by diagnosis
    assert run["followups"] == {"asked": 2, "right": 2}
    assert run["rating"] == "hard"  # a pass with a hint
    assert re.search(r"k3\s+passed\s+\d+:\d\d\s+2\s+1\s+2/2\s+hard", term.seen)
    # The schedule: the attempt and the card are in the database, due in the future.
    with Store.open(data / "progress.sqlite3") as store:
        (k3,) = store.exercise_cards().values()
        assert k3.exercise == "k3" and k3.attempts == 1 and k3.passes == 1 and k3.last_rating == "hard"
        assert k3.due > datetime.now(timezone.utc) + timedelta(hours=23)  # Hard: the next day
        assert k3.due.isoformat() == run["next_due"]
    stats = kldrill("stats", "--json", env={"KLDRILL_DATA_DIR": str(data)})
    assert stats.returncode == 0
    rows = {r["exercise"]: r for r in json.loads(stats.stdout.splitlines()[-1])}
    assert rows["k3"]["passes"] == 1 and rows["k1"]["attempts"] == 0


def test_ctrl_c_ends_with_a_partial_scorecard_in_chinese(tmp_path: Path) -> None:
    folder, data = tmp_path / "iv", tmp_path / "data"
    term = Terminal(["interview", "--exercise", "k1", "--json", str(folder)], _env(data, "zh"), tmp_path)
    term.expect(r"计时已开始")
    time.sleep(0.5)
    term.type("\x03")  # Ctrl-C: SIGINT to the foreground process group
    term.expect(r"成绩单（面试提前结束）")
    card = json.loads(term.expect(r"(\{\"partial\".*\})\r?\n").group(1))
    assert term.wait() == 130  # Ctrl-C: the shell's status for it, after the partial scorecard
    assert "已中断（Ctrl-C）" in term.seen
    assert card["partial"] is True and card["exercises"][0]["interrupted"] is True
    assert card["exercises"][0]["rating"] is None  # an interruption says nothing about recall


def test_giving_up_rates_again_and_makes_it_due_first(tmp_path: Path) -> None:
    folder, data = tmp_path / "iv", tmp_path / "data"
    term = Terminal(["interview", "--exercise", "k2", "--json", str(folder)], _env(data), tmp_path)
    term.expect(r"The clock is running")
    term.type("g\r")
    card = json.loads(term.expect(r"(\{\"partial\".*\})\r?\n").group(1))
    assert term.wait() == 0
    assert card["exercises"][0]["gave_up"] and card["exercises"][0]["rating"] == "again"
    # Due again the next day, not before, and then before anything new.
    with Store.open(data / "progress.sqlite3", clock=lambda: datetime.now(timezone.utc) + timedelta(hours=20)) \
            as store:
        assert store.exercises_due(["k1", "k2", "k3"]) == []
    with Store.open(data / "progress.sqlite3", clock=lambda: datetime.now(timezone.utc) + timedelta(days=1, minutes=1)) \
            as store:
        assert store.exercises_due(["k1", "k2", "k3"]) == ["k2"]


def test_an_interview_never_overwrites_your_own_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert kldrill("init", str(ws)).returncode == 0
    (ws / "k1.py").write_text("def k1(log_p, log_q):\n    return log_q - log_p  # mine\n")
    proc = kldrill("interview", "--exercise", "k1", str(ws), env={"KLDRILL_DATA_DIR": str(tmp_path / "d")})
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "# mine" in (ws / "k1.py").read_text()


def test_ratings_follow_the_recall_rules() -> None:
    assert schedule.rating(True, False, True, 0, 60.0, 1) == "easy"
    assert schedule.rating(True, False, True, 0, 60.0, 3) == "good"  # right, but not first time
    assert schedule.rating(True, False, True, 0, 900.0, 1) == "good"  # right first time, slowly
    assert schedule.rating(True, False, True, 2, 60.0, 1) == "hard"  # with hints
    assert schedule.rating(False, True, True, 0, None, 4) == "again"  # gave up
    assert schedule.rating(False, False, True, 0, None, 4) is None  # interrupted: not rated
    assert schedule.rating(True, False, False, 0, 60.0, 1) is None  # guided: the formula was on the page


def test_order_puts_due_exercises_first_then_new_ones() -> None:
    names = ["k1", "k2", "k3", "grpo_kl"]
    now = datetime.now(timezone.utc)
    seen = {"k1": now + timedelta(days=3), "k2": now - timedelta(days=1), "grpo_kl": now + timedelta(days=1)}
    assert schedule.order(names, ["k2"], seen) == ["k2", "k3", "grpo_kl", "k1"]


def test_a_version_1_database_is_upgraded_and_keeps_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE reviews (id INTEGER PRIMARY KEY, bank TEXT NOT NULL, question TEXT NOT NULL,
            topic TEXT NOT NULL, correct INTEGER NOT NULL, answered_at TEXT NOT NULL, lang TEXT NOT NULL);
        CREATE TABLE cards (bank TEXT NOT NULL, question TEXT NOT NULL, topic TEXT NOT NULL, due TEXT NOT NULL,
            card TEXT NOT NULL, PRIMARY KEY (bank, question));
        INSERT INTO reviews VALUES (1, 'builtin', 'q1', 'k3', 1, '2026-11-01T10:00:00+00:00', 'en');
        PRAGMA user_version = 1;""")
    conn.close()
    with Store.open(path) as store:
        assert store.answers() == [("q1", "k3", True)]
        due = store.record_exercise("k1", "closed-book", True, "good", 42.0, 1, 0, {}, datetime.now(timezone.utc),
                                    "en")
        assert due > datetime.now(timezone.utc) and store.exercise_cards()["k1"].last_rating == "good"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM cards WHERE bank = ?", (EXERCISE_BANK,)).fetchone()[0] == 1
    conn.close()


def test_a_corrupt_database_stops_the_interview_before_it_starts_and_is_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "progress.sqlite3").write_bytes(b"not a database, but someone's precious file" * 100)
    before = (data / "progress.sqlite3").read_bytes()
    for command in (["interview", "--exercise", "k1", str(tmp_path / "iv")], ["stats"], ["review"]):
        proc = kldrill(*command, env={"KLDRILL_DATA_DIR": str(data)})
        assert proc.returncode == 1, (command, proc.stderr)
        assert proc.stderr.count("\n") == 1 and "progress.sqlite3" in proc.stderr and "Traceback" not in proc.stderr
    assert (data / "progress.sqlite3").read_bytes() == before
    assert not (tmp_path / "iv").exists()


@pytest.mark.parametrize("command", [["interview", "--help"], ["review", "--list"], ["stats"]])
def test_practice_commands_that_grade_nothing_do_not_import_torch(command: list[str], tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom grader.cli.main import cli\n"
            "try:\n    cli(sys.argv[1:], standalone_mode=False)\nfinally:\n"
            "    assert 'torch' not in sys.modules, 'torch was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True,
                          env={**os.environ, "KLDRILL_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr


def test_closed_book_withholds_a_diagnosis_that_states_the_formula(tmp_path: Path) -> None:
    folder, data = tmp_path / "iv", tmp_path / "data"
    term = Terminal(["interview", "--exercise", "k2", "--followups", "0", "--json", str(folder)], _env(data),
                    tmp_path)
    term.expect(r"The clock is running")
    (folder / "k2.py").write_text("def k2(log_p, log_q):\n    return (log_p - log_q) ** 2\n")  # no 1/2
    term.expect(r"k2: failed")
    shown = term.expect(r"type d \+ Enter to see it; it counts as a hint\)").string
    assert "You forgot the 1/2" in shown and "(log r)^2 / 2" not in term.seen  # the headline, not the formula
    term.type("d\r")
    term.expect(r"diagnosis \(counted as a hint\): You forgot the 1/2: k2 = \(log r\)\^2 / 2\.")
    term.type("d\r")  # the same diagnosis again: still one hint
    term.expect(r"diagnosis \(counted as a hint\)")
    (folder / "k2.py").write_text((SOLUTIONS / "k2.py").read_text())
    term.expect(r"k2: passed")
    card = json.loads(term.expect(r"(\{\"partial\".*\})\r?\n").group(1))
    assert term.wait() == 0
    (run,) = card["exercises"]
    assert run["hints"] == 1 and run["rating"] == "hard"  # a pass with a hint, the diagnosis being it
