"""The diagnosis names the real mistake (issue 25), measured: tests/bugs/*.yaml, single-bug submissions as
candidates write them, graded in one batch (tests/named_share.py prints the same table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import exercises
from grader.diagnosis.engine import catalogue
from named_share import Outcome, grade, load, report, shares

ROOT = Path(__file__).resolve().parent.parent
BUGS = load()


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return grade(BUGS)


def test_the_table_has_ten_realistic_bugs_per_exercise_of_tracks_2_to_4() -> None:
    ids = {m.id: m for m in catalogue()}
    for e in exercises.all_exercises():
        mine = [b for b in BUGS if b.exercise == e.name]
        if e.track in (2, 3, 4):
            assert len(mine) >= 10, e.name
            assert len({b.code for b in mine}) == len(mine), e.name  # no copies
        for b in mine:  # each expects a mistake the catalogue has for that exercise
            assert b.expect in ids and e.name in ids[b.expect].exercises, (e.name, b.expect)


def test_every_bug_is_rejected(outcomes: list[Outcome]) -> None:
    """Each is a real mistake: some check fails (wrong maths fails core; a convention's choice fails --strict)."""
    assert [(o.bug.exercise, o.bug.style) for o in outcomes if not o.rejected] == []


def test_at_least_nine_in_ten_are_named_per_track_and_none_falsely(outcomes: list[Outcome]) -> None:
    per_exercise, per_track = shares(outcomes)
    assert set(per_track) == {1, 2, 3, 4}
    for track, (named, false, rejected) in per_track.items():
        assert named >= 0.9 * rejected, (track, report(outcomes))
    assert [(o.bug.exercise, o.bug.expect, o.diagnosis) for o in outcomes if o.falsely_named] == []


def test_wrong_maths_is_never_named_after_a_convention(outcomes: list[Outcome]) -> None:
    conventional = {m.id for m in catalogue() if m.convention}
    assert [(o.bug.exercise, o.diagnosis) for o in outcomes if o.core_failed and o.diagnosis in conventional] == []


def test_the_readme_reports_the_measured_shares(outcomes: list[Outcome]) -> None:
    """docs/how-grading-works.md's table is this run's (regenerate it with `python tests/named_share.py --markdown`)."""
    assert report(outcomes, markdown=True) in (ROOT / "docs" / "how-grading-works.md").read_text(encoding="utf-8")
