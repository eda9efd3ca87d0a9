"""Read and judge a learner's typed answer. Pure functions: no I/O, no state.

- single: one letter, any case ("b", " B ").
- multi: letters in any order, case, and separation: "A,C", "ac", "a c", "C, A", "A，C" and "A、C"
  (the comma and enumeration comma of a Chinese keyboard) all mean {A, C}.
- numeric: a decimal or scientific number ("0.125", "1.25e-1", "  .125 ") or a fraction ("1/8").
  Any dash stands for the minus sign: U+2212 (which the quiz's own prompts print), the en and em
  dashes, the hyphens and the small and full-width hyphen-minus ("−0.5", "1e–3").
  Right when within the question's absolute tolerance, or equal up to float rounding.
- the self-rating after an open question: y/yes/是/对 or n/no/否/不/错.

Full-width characters (typed with a Chinese input method) are folded to ASCII first (NFKC).
"""

from __future__ import annotations

import math
import re
import unicodedata

from grader.quiz.bank import LETTERS, Question

# Also drop the dots and brackets of "B." or "(B)"; after NFKC "，", "；", "（" are already ASCII.
_SEPARATORS = re.compile(r"[\s,;、.。()]+")
_YES = {"y", "yes", "是", "对", "對"}
_NO = {"n", "no", "否", "不", "不是", "错", "錯"}
# Dashes a keyboard, an input method or a copy from a rendered formula gives for "-" (NFKC folds only
# the small and full-width hyphen-minus, U+FE63 and U+FF0D).
_MINUS = str.maketrans({ch: "-" for ch in "\u2212\u2010\u2011\u2012\u2013\u2014\u2015\u2796\u02d7\ufe58"})


class AnswerFormatError(ValueError):
    """The text is not an answer of the right kind; `problem` is a key of grader/data/quiz.yaml."""

    def __init__(self, problem: str, **params: object) -> None:
        super().__init__(problem)
        self.problem = problem
        self.params = params


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_letters(text: str, letters: str) -> tuple[str, ...]:
    """The distinct letters named in `text`, sorted; each must be one of `letters`."""
    joined = _SEPARATORS.sub("", _fold(text)).upper()
    if not joined:
        raise AnswerFormatError("answer_empty_letters", letters=_span(letters))
    bad = sorted({ch for ch in joined if ch not in letters})
    if len(bad) == 1 and bad[0] in LETTERS:
        raise AnswerFormatError("answer_bad_letters", bad=bad[0], letters=_span(letters))
    if bad:  # a word or a sentence: echo it whole rather than as a sorted heap of its characters
        raise AnswerFormatError("answer_not_letters", got=text.strip(), letters=_span(letters))
    return tuple(sorted(set(joined)))


def parse_number(text: str) -> float:
    folded = _fold(text).translate(_MINUS).replace(" ", "")
    try:
        if "/" in folded:
            num, den = folded.split("/")
            value = float(num) / float(den)
        else:
            value = float(folded)
    except (ValueError, ZeroDivisionError):
        raise AnswerFormatError("answer_not_number", got=text.strip()) from None
    if not math.isfinite(value):
        raise AnswerFormatError("answer_not_number", got=text.strip())
    return value


def parse_answer(question: Question, text: str) -> tuple[str, ...] | float:
    """The learner's answer in the form judge() compares; AnswerFormatError if it is not one."""
    if question.type == "numeric":
        return parse_number(text)
    picked = parse_letters(text, question.letters)
    if question.type == "single" and len(picked) != 1:
        raise AnswerFormatError("answer_one_letter", letters=_span(question.letters))
    return picked


def judge(question: Question, response: tuple[str, ...] | float) -> bool:
    if question.type == "numeric":
        assert isinstance(question.answer, float) and isinstance(response, float)
        # The tolerance is absolute, as the schema says; isclose catches a typed-out 1/3 with no tolerance.
        return (abs(response - question.answer) <= question.tolerance
                or math.isclose(response, question.answer, rel_tol=1e-9, abs_tol=1e-12))
    if question.type == "single":
        return response == (question.answer,)
    if question.type == "multi":
        return response == question.answer
    raise ValueError(f"{question.type} questions are rated by the learner, not judged")


def parse_yes_no(text: str) -> bool | None:
    """True for yes, False for no, None for anything else."""
    word = _fold(text).lower().rstrip(".!。！")
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def format_number(value: float) -> str:
    return f"{value:.10g}"


def format_answer(question: Question) -> str:
    """The correct answer as shown after a question: "B", "A, C", "0.125 ± 0.001"."""
    if question.type == "single":
        return str(question.answer)
    if question.type == "multi":
        return ", ".join(question.answer)  # type: ignore[arg-type]
    if question.type == "numeric":
        shown = format_number(question.answer)  # type: ignore[arg-type]
        return f"{shown} ± {format_number(question.tolerance)}" if question.tolerance else shown
    raise ValueError("open questions have a model answer, not a key")


def _span(letters: str) -> str:
    return f"{letters[0]}-{letters[-1]}" if letters else "-"
