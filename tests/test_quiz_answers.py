"""Reading typed answers: the spellings a learner uses are understood, and judged exactly."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from grader.quiz.answers import (AnswerFormatError, format_answer, judge, parse_answer, parse_number,
                                 parse_yes_no)
from grader.quiz.bank import load_bank
from quiz_banks import bank  # noqa: F401  (fixture)


@pytest.fixture
def questions(bank: Path) -> dict:
    return {q.id: q for q in load_bank(bank).questions}


@pytest.mark.parametrize("text", ["A,C", "ac", "a c", "C, A", "A，C", "A、C", " c  a ", "A;C", "ＡＣ", "a,c,a"])
def test_multi_spellings_all_mean_a_and_c(questions: dict, text: str) -> None:
    q = questions["unbiased-estimators"]
    assert parse_answer(q, text) == ("A", "C")
    assert judge(q, parse_answer(q, text))


@pytest.mark.parametrize("text,right", [("a", False), ("A,B,C", False), ("a,c,d", False), ("ca", True)])
def test_multi_needs_exactly_the_right_set(questions: dict, text: str, right: bool) -> None:
    q = questions["unbiased-estimators"]
    assert judge(q, parse_answer(q, text)) is right


@pytest.mark.parametrize("text", ["b", " B ", "B.", "(b)", "Ｂ"])
def test_single_letter_any_case(questions: dict, text: str) -> None:
    q = questions["k3-nonnegative"]
    assert judge(q, parse_answer(q, text))


@pytest.mark.parametrize("text,problem", [("", "answer_empty_letters"), ("AB", "answer_one_letter"),
                                          ("D", "answer_bad_letters"), ("yes", "answer_not_letters"),
                                          ("0.5", "answer_not_letters"),
                                          ("因为 log x ≤ x − 1", "answer_not_letters")])
def test_single_rejects_what_is_not_one_choice(questions: dict, text: str, problem: str) -> None:
    with pytest.raises(AnswerFormatError) as info:
        parse_answer(questions["k3-nonnegative"], text)
    assert info.value.problem == problem
    if problem == "answer_not_letters":  # the learner sees what they typed, not a heap of its characters
        assert info.value.params["got"] == text


def test_a_letter_beyond_the_choices_is_named(questions: dict) -> None:
    with pytest.raises(AnswerFormatError) as info:
        parse_answer(questions["unbiased-estimators"], "a,e")
    assert info.value.params["bad"] == "E" and info.value.params["letters"] == "A-D"


@pytest.mark.parametrize("text", ["0.125", "1.25e-1", "  .125 ", "1/8", "1 / 8", "０.１２５", "+0.125", "12.5E-2"])
def test_numeric_spellings(text: str) -> None:
    assert parse_number(text) == pytest.approx(0.125, abs=1e-15)


# The quiz's own texts print U+2212 (log x ≤ x − 1); a learner copying that, or typing on a keyboard or
# an input method that gives an en/em dash or a full-width hyphen, means minus.
@pytest.mark.parametrize("text", ["\u22120.125", "\u20130.125", "\u20140.125", "\u20100.125", "\uff0d0.125",
                                  "\ufe630.125", "\u2212 1/8", "1/\u22128", "\u22121.25e\u22121", "-0.125"])
def test_numeric_minus_in_any_dash_form(text: str) -> None:
    assert parse_number(text) == pytest.approx(-0.125, abs=1e-15)


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "-inf", "1/0", "0,125", "1/2/3", "\u2212inf", "\u2212\u22121"])
def test_numeric_rejects_non_numbers(text: str) -> None:
    with pytest.raises(AnswerFormatError):
        parse_number(text)


@pytest.mark.parametrize("text,right", [("0.1259", True), ("0.1241", True), ("0.127", False), ("-0.125", False)])
def test_numeric_tolerance_is_absolute(questions: dict, text: str, right: bool) -> None:
    assert judge(questions["gaussian-kl"], parse_number(text)) is right


def test_numeric_without_tolerance_accepts_float_rounding_only(tmp_path: Path) -> None:
    data = {"version": 1, "questions": [{
        "id": "third", "topic": "t", "type": "numeric", "difficulty": 1, "prompt": {"en": "1/3?", "zh": "1/3？"},
        "answer": 1 / 3, "explanation": {"en": ".", "zh": "。"}, "source": "arithmetic"}]}
    path = tmp_path / "b.yaml"
    path.write_text(yaml.safe_dump(data))
    (q,) = load_bank(path).questions
    assert judge(q, parse_number("1/3"))
    assert not judge(q, parse_number("0.3333"))


@pytest.mark.parametrize("text,value", [("y", True), ("YES", True), ("是", True), ("对", True), ("Y.", True),
                                        ("n", False), ("No", False), ("否", False), ("不", False), ("错", False),
                                        ("maybe", None), ("", None)])
def test_self_rating(text: str, value: bool | None) -> None:
    assert parse_yes_no(text) is value


def test_the_correct_answer_as_shown(questions: dict) -> None:
    assert format_answer(questions["k3-nonnegative"]) == "B"
    assert format_answer(questions["unbiased-estimators"]) == "A, C"
    assert format_answer(questions["gaussian-kl"]) == "0.125 ± 0.001"


def test_every_quiz_string_has_both_languages_and_the_same_fields() -> None:
    from grader.resources import package_data

    table = yaml.safe_load(package_data("quiz.yaml").read_text(encoding="utf-8"))
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for key, entry in table.items():
        assert set(entry) == {"en", "zh"}, key
        assert fields(entry["en"]) == fields(entry["zh"]), key
    # Every string key the quiz code names exists (snake_case literals, less the few that are not keys).
    quiz_dir = Path(__file__).parents[1] / "grader" / "quiz"
    code = "\n".join(p.read_text(encoding="utf-8") for p in quiz_dir.glob("*.py"))
    not_keys = {"as_json", "context_mark", "problem_mark", "sqlite_errorname"}
    used = set(re.findall(r'"([a-z]+_[a-z_]+)"', code)) - not_keys
    assert len(used) > 50 and used <= set(table), sorted(used - set(table))
