"""Plurals: "1 question", not "1 questions", in every string table; Chinese keeps one form."""

from __future__ import annotations

import string

import pytest
import yaml

from grader.i18n import lookup
from grader.resources import package_data

TABLES = ("ui.yaml", "quiz.yaml", "lab.yaml", "practice.yaml")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("table", TABLES)
def test_every_singular_matches_its_plural(table: str) -> None:
    entries = yaml.safe_load(package_data(table).read_text(encoding="utf-8"))
    singulars = [key for key in entries if key.endswith("_one")]
    for key in singulars:
        plural = entries[key[:-len("_one")]]
        assert "count" in _fields(plural["en"]), key  # the rule looks at {count}
        assert _fields(entries[key]["en"]) == _fields(plural["en"]) == _fields(entries[key]["zh"]), key
        assert entries[key]["zh"] == plural["zh"], key  # Chinese has no plural
        assert entries[key]["en"] != plural["en"], key
    for key, entry in entries.items():
        assert "(s)" not in entry["en"], key  # say it right instead


@pytest.mark.parametrize("table,key,one,many", [
    ("quiz.yaml", "quiz_intro", "Quiz: 1 question from b", "Quiz: 2 questions from b"),
    ("ui.yaml", "more_failures", "... and 1 more failing check", "... and 2 more failing checks"),
    ("lab.yaml", "nonfinite", "kx: 1 of the values is NaN or inf", "kx: 2 of the values are NaN or inf"),
    ("practice.yaml", "interview_passed", "Passed in 9:00 after 1 graded save.", "after 2 graded saves."),
])
def test_one_is_singular_and_two_plural(table: str, key: str, one: str, many: str) -> None:
    fields = {"bank": "b", "name": "kx", "clock": "9:00"}
    singular = lookup(table, key, "en", count=1, **fields)
    assert one in singular and one + "s" not in singular
    assert many in lookup(table, key, "en", count=2, **fields)
    assert lookup(table, key, "zh", count=1, **fields).replace("1", "2") == lookup(table, key, "zh", count=2, **fields)
