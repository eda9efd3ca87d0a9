"""Submissions as files (tests/variants/): correct styles pass, single-bug ones fail on exactly their exercise
and get the named diagnosis.

Each file starts with ``# exercise: NAME`` and, for a wrong one, ``# expect: MISTAKE_ID`` and ``# why: ...``.
The styles were chosen against the checks of issue #12 (state, epsilons, precision, extremes, devices,
strides, callables): each new check must reject no correct style and let no listed wrong one through.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.exercises import names
from grader.grading import grade_many

VARIANTS = Path(__file__).resolve().parent / "variants"
CORRECT = sorted((VARIANTS / "correct").glob("*.py"))
WRONG = sorted((VARIANTS / "wrong").glob("*.py"))


def header(path: Path, key: str) -> str | None:
    found = re.search(rf"^# {key}: (\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def verdicts() -> dict:
    results = grade_many(CORRECT + WRONG)  # one judge, one zygote: a batch
    return {path: {e.name: e for e in r.exercises} for path, r in zip(CORRECT + WRONG, results)}


def test_every_variant_names_its_exercise() -> None:
    assert len(CORRECT) >= 40 and len(WRONG) >= 25
    for path in CORRECT + WRONG:
        assert header(path, "exercise") in names(), path.name
        assert path.name.startswith(header(path, "exercise") + "__"), path.name
    for path in WRONG:
        assert header(path, "expect"), path.name


def test_each_exercise_has_correct_and_wrong_variants() -> None:
    from grader.exercises import get

    for exercise in names():
        # Track 1 has five correct styles or more each; issue 15 asks three per track-2 exercise.
        want = 5 if get(exercise).track == 1 else 3
        assert sum(header(p, "exercise") == exercise for p in CORRECT) >= want, exercise
        assert sum(header(p, "exercise") == exercise for p in WRONG) >= 3, exercise


@pytest.mark.parametrize("path", CORRECT, ids=[p.stem for p in CORRECT])
def test_correct_style_passes(verdicts: dict, path: Path) -> None:
    result = verdicts[path][header(path, "exercise")]
    assert result.status == "passed", result.first_failure()
    assert result.diagnosis is None


@pytest.mark.parametrize("path", WRONG, ids=[p.stem for p in WRONG])
def test_wrong_fails_on_exactly_its_exercise_and_is_named(verdicts: dict, path: Path) -> None:
    exercise = header(path, "exercise")
    by_name = verdicts[path]
    assert by_name[exercise].status == "failed"
    assert {e.status for n, e in by_name.items() if n != exercise} == {"missing"}
    diagnosis = by_name[exercise].diagnosis
    assert diagnosis is not None, by_name[exercise].first_failure()
    assert diagnosis["id"] == header(path, "expect")


def test_every_track_2_mistake_is_proven_by_a_wrong_variant() -> None:
    """Issue 15: each diagnosis id of a track-2 exercise is shown to be reachable by a wrong implementation
    here (track 1's are proven in tests/test_diagnosis.py)."""
    from grader.diagnosis import catalogue
    from grader.exercises import get

    proven = {(header(p, "exercise"), header(p, "expect")) for p in WRONG}
    generic = {"no_return", "not_a_tensor", "input_mutated", "reduced"}
    missing = [(e, m.id) for m in catalogue() if m.id not in generic
               for e in m.exercises if e in names() and get(e).track == 2 and (e, m.id) not in proven]
    assert not missing, missing
