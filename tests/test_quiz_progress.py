"""Progress: every answer is kept, FSRS schedules --review, --stats adds up, and a bad database loses nothing."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grader.quiz import progress
from grader.quiz.bank import load_bank
from grader.quiz.progress import ProgressError, Store
from quiz_banks import RIGHT, WRONG, bank, data_dir, run_quiz, summary  # noqa: F401  (fixtures)

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The time the quiz sees, in-process (CliRunner), moved by hand."""
    fake = Clock()
    monkeypatch.setattr(progress, "_utcnow", fake)
    return fake


def db(data_dir: Path) -> Path:
    return data_dir / "progress.sqlite3"


def answers(data_dir: Path) -> list[tuple]:
    with sqlite3.connect(db(data_dir)) as conn:
        return conn.execute("SELECT question, topic, correct, lang FROM reviews ORDER BY id").fetchall()


def quiz(bank: Path, ids: str, *answers_: str, lang: str = "en", extra: tuple[str, ...] = ()):
    return run_quiz("--bank", str(bank), "--ids", ids, "--json", *extra, input="".join(a + "\n" for a in answers_),
                    lang=lang)


def test_data_dir_comes_from_the_environment_or_platformdirs() -> None:
    assert progress.data_dir({"KLDRILL_DATA_DIR": "/srv/kl"}) == Path("/srv/kl")
    default = progress.data_dir({})
    assert default.name == "kl-drill" and default.is_absolute()
    assert progress.default_db_path({"KLDRILL_DATA_DIR": "/srv/kl"}) == Path("/srv/kl/progress.sqlite3")


def test_every_answer_is_recorded_at_once(bank: Path, data_dir: Path) -> None:
    quiz(bank, "k1-sign,k3-nonnegative", RIGHT["k1-sign"], WRONG["k3-nonnegative"])
    quiz(bank, "gaussian-kl,k3-why-unbiased", RIGHT["gaussian-kl"], lang="zh")  # input ends at the open question
    assert answers(data_dir) == [("k1-sign", "k1", 1, "en"), ("k3-nonnegative", "k3", 0, "en"),
                                 ("gaussian-kl", "k3", 1, "zh")]


def test_review_asks_what_was_answered_wrong_then_spaces_it_out(bank: Path, data_dir: Path, clock: Clock) -> None:
    first = quiz(bank, "k1-sign,k3-nonnegative,gaussian-kl", RIGHT["k1-sign"], WRONG["k3-nonnegative"],
                 WRONG["gaussian-kl"])
    assert summary(first)["correct"] == 1

    clock.advance(minutes=2)  # wrong answers come back a minute later
    review = run_quiz("--bank", str(bank), "--review", "--json",
                      input=f"{RIGHT['k3-nonnegative']}\n{RIGHT['gaussian-kl']}\n")
    assert review.exit_code == 0, review.output
    assert summary(review) == {"asked": 2, "correct": 2, "answers": [
        {"id": "k3-nonnegative", "correct": True}, {"id": "gaussian-kl", "correct": True}]}
    assert "Review: 2 questions due" in review.stdout

    clock.advance(hours=1)  # answered right now: nothing due for days
    nothing = run_quiz("--bank", str(bank), "--review", "--json")
    assert nothing.exit_code == 0 and summary(nothing) == {"asked": 0, "correct": 0, "answers": []}
    assert "Nothing is due for review. The next review is due" in nothing.stdout

    clock.advance(days=60)  # long after: all three are due; --count and --topic narrow the review
    assert summary(run_quiz("--bank", str(bank), "--review", "--json", input="x\n" * 5))["asked"] == 3
    clock.advance(days=60)
    narrowed = run_quiz("--bank", str(bank), "--review", "--json", "--topic", "k3", "--count", "1", input="x\n")
    assert [a["id"] for a in summary(narrowed)["answers"]] in (["k3-nonnegative"], ["gaussian-kl"])


def test_review_before_any_answer_says_so(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--review", lang="zh")
    assert result.exit_code == 0 and "暂无可复习的题目" in result.stdout


def test_fsrs_schedule_for_right_and_wrong(tmp_path: Path) -> None:
    clock = Clock()
    with Store.open(tmp_path / "p.sqlite3", clock=clock) as store:
        wrong_due = store.record("b", "q-wrong", "t", False, "en")
        right_due = store.record("b", "q-right", "t", True, "en")
        assert START < wrong_due <= START + timedelta(minutes=1)
        assert right_due >= START + timedelta(days=1)
        assert store.due("b", ["q-wrong", "q-right"]) == []
        clock.advance(minutes=1)
        assert store.due("b", ["q-wrong", "q-right"]) == ["q-wrong"]
        assert store.due("b", ["q-right"]) == [] and store.due("other-bank", ["q-wrong"]) == []
        later = store.record("b", "q-wrong", "t", True, "en")  # recalled at last: on to day-scale intervals
        assert later >= clock.now + timedelta(days=1)


def test_stats_per_topic(bank: Path, data_dir: Path, clock: Clock) -> None:
    quiz(bank, "k3-nonnegative,gaussian-kl,k1-sign,k3-nonnegative", RIGHT["k3-nonnegative"], WRONG["gaussian-kl"],
         RIGHT["k1-sign"], RIGHT["k3-nonnegative"])
    clock.advance(minutes=5)
    result = run_quiz("--bank", str(bank), "--stats", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["topic"]: row for row in summary(result)["topics"]}
    assert rows["k3"] == {"topic": "k3", "questions": 2, "seen": 2, "answers": 3, "correct": 2, "due": 1}
    assert rows["k1"] == {"topic": "k1", "questions": 1, "seen": 1, "answers": 1, "correct": 1, "due": 0}
    assert rows["estimators"] == {"topic": "estimators", "questions": 2, "seen": 0, "answers": 0, "correct": 0,
                                  "due": 0}
    table = result.stdout
    assert "67%" in table and "100%" in table and "total" in table
    zh = run_quiz("--bank", str(bank), "--stats", "--topic", "k3", lang="zh")
    assert "主题" in zh.stdout and "正确率" in zh.stdout and "estimators" not in zh.stdout


def test_stats_do_not_create_the_database(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--stats")
    assert result.exit_code == 0 and "k3" in result.stdout
    assert not db(data_dir).exists()


def test_progress_of_one_bank_is_not_another_banks(bank: Path, data_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_bytes(bank.read_bytes())
    quiz(bank, "k1-sign", RIGHT["k1-sign"])
    result = run_quiz("--bank", str(other), "--stats", "--json")
    assert all(row["answers"] == 0 for row in summary(result)["topics"])


@pytest.mark.parametrize("kind", ["random bytes", "garbled pages", "another program's", "newer kldrill"])
def test_an_unusable_database_stops_the_quiz_and_is_left_untouched(bank: Path, data_dir: Path, kind: str) -> None:
    path = db(data_dir)
    if kind == "random bytes":
        data_dir.mkdir()
        path.write_bytes(bytes(range(256)) * 20)
    elif kind == "garbled pages":
        quiz(bank, "k1-sign,k3-nonnegative", "a", "b")
        blob = path.read_bytes()
        path.write_bytes(blob[:4096] + b"\xff" * (len(blob) - 4096))  # header intact: only a check finds it
    elif kind == "another program's":
        data_dir.mkdir()
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE notes (text)")
    else:
        quiz(bank, "k1-sign", "a")
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA user_version = 99")
    before = path.read_bytes()
    listing = sorted(p.name for p in data_dir.iterdir())
    result = quiz(bank, "k1-sign", "a")
    assert result.exit_code == 1, result.output
    assert str(path) in result.stderr and "KLDRILL_DATA_DIR" in result.stderr
    assert "Traceback" not in result.output and "[1/1]" not in result.stdout  # stopped before asking
    assert path.read_bytes() == before and sorted(p.name for p in data_dir.iterdir()) == listing
    stats = run_quiz("--bank", str(bank), "--stats", lang="zh")
    assert stats.exit_code == 1 and str(path) in stats.stderr and path.read_bytes() == before


@pytest.mark.parametrize("lock", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])  # a writer; a writer mid-commit
def test_a_locked_database_stops_the_quiz_and_keeps_earlier_answers(bank: Path, data_dir: Path, lock: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    quiz(bank, "k1-sign,k3-nonnegative", RIGHT["k1-sign"], WRONG["k3-nonnegative"])
    path = db(data_dir)
    before = path.read_bytes()
    monkeypatch.setattr(progress, "BUSY_TIMEOUT", 0.05)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute(lock)
    try:
        result = quiz(bank, "gaussian-kl", RIGHT["gaussian-kl"])
        assert result.exit_code == 1, result.output
        assert "locked" in result.stderr and str(path) in result.stderr and "[1/1]" not in result.stdout
        zh = quiz(bank, "gaussian-kl", RIGHT["gaussian-kl"], lang="zh")
        assert zh.exit_code == 1 and "被另一个程序锁定" in zh.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert path.read_bytes() == before
    assert [a[:3] for a in answers(data_dir)] == [("k1-sign", "k1", 1), ("k3-nonnegative", "k3", 0)]
    after = quiz(bank, "gaussian-kl", RIGHT["gaussian-kl"])  # the lock gone, the quiz works again
    assert after.exit_code == 0 and len(answers(data_dir)) == 3


def test_an_answer_that_cannot_be_saved_is_reported_and_the_summary_still_printed(
        bank: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_record = Store.record
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise ProgressError(self.path, "progress_locked")
        return real_record(self, *args, **kwargs)

    monkeypatch.setattr(Store, "record", flaky)
    result = quiz(bank, "k1-sign,k3-nonnegative,gaussian-kl", "a", "b", "0.125")
    assert result.exit_code == 1
    assert summary(result) == {"asked": 3, "correct": 3, "answers": [
        {"id": "k1-sign", "correct": True}, {"id": "k3-nonnegative", "correct": True},
        {"id": "gaussian-kl", "correct": True}]}
    assert "warning: this answer was not saved" in result.stderr and "1 answer was not saved" in result.stderr
    assert [a[0] for a in answers(data_dir)] == ["k1-sign", "gaussian-kl"]


def test_bank_key_names_the_shipped_bank_by_a_fixed_name(bank: Path) -> None:
    from grader.resources import questions_file

    assert progress.bank_key(questions_file()) == "builtin"
    assert progress.bank_key(bank) == str(bank.resolve())
    assert load_bank(bank).path == bank
