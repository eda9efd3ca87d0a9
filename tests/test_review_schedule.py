"""What `kldrill stats` and `kldrill review` say of the exercise schedule after a give-up, an unrated
(interrupted) attempt and a wrong quiz answer: numbers that mean something, times that do not move with the
clock, and nothing "next" that lies in the past."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import kldrill
from grader.quiz.progress import BUILTIN_BANK, Store

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def _record(data: Path, when: datetime, exercise: str, passed: bool, rating: str | None, gave_up: bool = False,
            interrupted: bool = False) -> None:
    with Store.open(data / "progress.sqlite3", clock=lambda: when) as store:
        store.record_exercise(exercise, "closed-book", passed, rating, 30.0 if passed else None, 1, 0,
                              {"gave_up": gave_up, "interrupted": interrupted}, when, "en")


def _stats(data: Path, lang: str = "en") -> tuple[dict, str]:
    proc = kldrill("stats", "--json", "--lang", lang, env={"KLDRILL_DATA_DIR": str(data)})
    assert proc.returncode == 0, proc.stderr
    return {r["exercise"]: r for r in json.loads(proc.stdout.splitlines()[-1])}, proc.stdout


def _row(table: str, name: str) -> list[str]:
    return next(line.split() for line in table.splitlines() if line.split()[:1] == [name])


def test_a_give_up_shows_no_recall(tmp_path: Path) -> None:
    _record(tmp_path, NOW - timedelta(minutes=5), "k2", False, "again", gave_up=True)
    rows, table = _stats(tmp_path)
    assert rows["k2"]["last_rating"] == "again" and rows["k2"]["retrievability"] == 0.0
    assert _row(table, "k2")[4] == "0%"  # not FSRS's 100% of a card reviewed a moment ago


def test_an_unrated_attempt_has_no_recall_and_a_fixed_due_time_and_is_due(tmp_path: Path) -> None:
    started = NOW - timedelta(hours=2)
    _record(tmp_path, started, "k3", False, None, interrupted=True)
    first, table = _stats(tmp_path)
    assert first["k3"]["retrievability"] is None and _row(table, "k3")[4] == "-"
    assert _row(table, "k3")[5] == "now"
    assert datetime.fromisoformat(first["k3"]["due"]) == started  # not the time stats happened to run
    again, _ = _stats(tmp_path)
    assert again["k3"]["due"] == first["k3"]["due"]
    with Store.open(tmp_path / "progress.sqlite3") as store:
        assert store.exercises_due(["k1", "k3"]) == ["k3"]  # an unfinished attempt comes back
    listed = kldrill("review", "--list", env={"KLDRILL_DATA_DIR": str(tmp_path)})
    assert "Exercises due for a closed-book re-drill: k3" in listed.stdout, listed.stdout
    zh, table = _stats(tmp_path, "zh")
    assert _row(table, "k3")[5] == "现在"


def test_review_list_names_only_a_time_ahead(tmp_path: Path) -> None:
    # k1 rated Good a day ago (due tomorrow); k2 interrupted an hour ago; a quiz answer wrong 30 s ago.
    _record(tmp_path, NOW - timedelta(days=1), "k1", True, "good")
    with Store.open(tmp_path / "progress.sqlite3", clock=lambda: datetime.now(timezone.utc) - timedelta(seconds=30)) \
            as store:
        store.record(BUILTIN_BANK, "k1-value", "k1", False, "en")  # due again a minute after the answer
    listed = kldrill("review", "--list", env={"KLDRILL_DATA_DIR": str(tmp_path)})
    assert listed.returncode == 0 and "Nothing is due today" in listed.stdout, listed.stdout
    when = datetime.strptime(re.search(r"Next: (\S+ \S+)\.", listed.stdout).group(1), "%Y-%m-%d %H:%M")
    assert when.astimezone() >= datetime.now().astimezone().replace(second=0, microsecond=0)


def test_a_data_folder_that_is_a_file_is_an_error_not_an_empty_table(tmp_path: Path) -> None:
    data = tmp_path / "not-a-folder"
    data.write_text("my notes")
    for command in (["stats"], ["review", "--list"], ["quiz", "--stats"]):
        proc = kldrill(*command, env={"KLDRILL_DATA_DIR": str(data)})
        assert proc.returncode == 1, (command, proc.stdout)
        assert proc.stderr == f"kldrill: {data} is a file, not a folder: set KLDRILL_DATA_DIR to the folder for " \
                              "kl-drill's progress.\n", proc.stderr
    assert data.read_text() == "my notes"


def test_a_damaged_card_or_due_date_is_not_a_crash(tmp_path: Path) -> None:
    _record(tmp_path, NOW - timedelta(days=3), "k1", True, "good")
    import sqlite3

    conn = sqlite3.connect(tmp_path / "progress.sqlite3")
    conn.execute("UPDATE cards SET card = '{\"due\": 5}', due = 'soon'")
    conn.commit()
    conn.close()
    rows, _ = _stats(tmp_path)
    assert rows["k1"]["attempts"] == 1  # the record stands; the schedule restarts from the attempt
    listed = kldrill("review", "--list", env={"KLDRILL_DATA_DIR": str(tmp_path)})
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
