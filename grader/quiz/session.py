"""The question loop. I/O is injected (QuizIO), so a terminal, a pipe, a test or a notebook can drive it.

Input rules:
- Each answer is one line. An `open` question's answer is one line too (an empty line is allowed: the
  learner may answer in their head); then the model answer is shown and the learner rates
  themselves with y/n, recorded as right/wrong.
- An unreadable answer (a letter that names no choice, text where a number is due, an invalid y/n):
  interactive input says why and asks again; piped input counts it as wrong and moves on, because
  asking again would take the script's next line, meant for the next question, as this answer.
- End of input ends the quiz at once; the questions answered so far are the score. A question whose
  answer or self-rating never came is not counted.
- Ctrl-C (KeyboardInterrupt, at a prompt or anywhere in the loop) ends it the same way, but says
  "interrupted" and sets Result.interrupted, so the command can exit 130 as an interrupted program does.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence, TextIO

from grader.reporting import style
from grader.i18n import pick
from grader.quiz.answers import AnswerFormatError, format_answer, judge, parse_answer, parse_yes_no
from grader.quiz.bank import Question
from grader.quiz.text import qt


class QuizIO(Protocol):
    interactive: bool  # True: a person at a terminal, who can be asked again

    def read(self, prompt: str) -> str | None:
        """One line of input without its newline, or None at the end of input."""

    def write(self, text: str = "") -> None:
        """Show one line (or several) of output."""


class StreamIO:
    """Answers from a pipe or file, one per line; each answer read is echoed so the transcript reads well."""

    interactive = False

    def __init__(self, stream: TextIO | None = None, write: Callable[[str], None] | None = None) -> None:
        self._stream = stream
        self._write = write or (lambda text: print(text))

    def read(self, prompt: str) -> str | None:
        line = (self._stream or sys.stdin).readline()
        if not line:
            return None
        answer = line.rstrip("\r\n")
        self._write(f"{prompt}{answer}")
        return answer

    def write(self, text: str = "") -> None:
        self._write(text)


class TerminalIO:
    """A person at a terminal: input() prompts, with line editing."""

    interactive = True

    def __init__(self, write: Callable[[str], None] | None = None) -> None:
        self._write = write or (lambda text: print(text))

    def read(self, prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            self._write("")  # the prompt's line is left open otherwise
            return None
        except KeyboardInterrupt:
            self._write("")
            raise

    def write(self, text: str = "") -> None:
        self._write(text)


@dataclass
class Outcome:
    id: str
    correct: bool


@dataclass
class Result:
    planned: int
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False  # ended by Ctrl-C

    @property
    def asked(self) -> int:
        return len(self.outcomes)

    @property
    def correct(self) -> int:
        return sum(o.correct for o in self.outcomes)

    @property
    def complete(self) -> bool:
        return self.asked == self.planned

    def summary(self) -> dict:
        """The --json summary, exactly the documented shape."""
        return {"asked": self.asked, "correct": self.correct,
                "answers": [{"id": o.id, "correct": o.correct} for o in self.outcomes]}


Recorder = Callable[[Question, bool], None]


def run_quiz(questions: Sequence[Question], io: QuizIO, lang: str, record: Recorder | None = None) -> Result:
    """Ask each question, judge it, show the answer and explanation; record(question, correct) after each."""
    result = Result(planned=len(questions))
    try:
        for number, question in enumerate(questions, start=1):
            _show_question(question, number, len(questions), io, lang)
            correct = _ask_open(question, io, lang) if question.type == "open" else _ask_keyed(question, io, lang)
            if correct is None:
                io.write()
                io.write(qt("quiz_input_ended", lang, asked=result.asked, count=result.planned))
                break
            result.outcomes.append(Outcome(question.id, correct))
            if record is not None:
                record(question, correct)  # at once, so an interrupted quiz keeps every answer given
    except KeyboardInterrupt:
        result.interrupted = True
        io.write()
        io.write(qt("quiz_interrupted", lang, asked=result.asked, count=result.planned))
    io.write()
    io.write(score_line(result, lang))
    return result


def score_line(result: Result, lang: str) -> str:
    if not result.asked:
        return qt("quiz_score_none", lang)
    return qt("quiz_score", lang, correct=result.correct, asked=result.asked,
              percent=round(100 * result.correct / result.asked))


def _show_question(question: Question, number: int, total: int, io: QuizIO, lang: str) -> None:
    io.write()
    io.write(qt("quiz_header", lang, number=number, total=total, id=question.id, topic=question.topic,
                difficulty=question.difficulty))
    io.write(pick(question.prompt, lang))
    for letter, choice in zip(question.letters, question.choices):
        io.write(f"  {letter}. {pick(choice, lang)}")


def _prompt(question: Question, lang: str) -> str:
    if question.type == "single":
        return qt("prompt_single", lang, letters=f"{question.letters[0]}-{question.letters[-1]}")
    if question.type == "multi":
        return qt("prompt_multi", lang, letters=f"{question.letters[0]}-{question.letters[-1]}")
    return qt("prompt_numeric", lang)


def _ask_keyed(question: Question, io: QuizIO, lang: str) -> bool | None:
    while True:
        text = io.read(_prompt(question, lang))
        if text is None:
            return None
        try:
            correct = judge(question, parse_answer(question, text))
            break
        except AnswerFormatError as exc:
            reason = qt(exc.problem, lang, **exc.params)
            if io.interactive:
                io.write(qt("answer_try_again", lang, reason=reason))
                continue
            io.write(qt("answer_counted_wrong", lang, reason=reason))
            correct = False
            break
    verdict = qt("verdict_right" if correct else "verdict_wrong", lang, answer=format_answer(question))
    io.write(style.good(verdict) if correct else style.bad(verdict))
    _explain(question, io, lang)
    return correct


def _ask_open(question: Question, io: QuizIO, lang: str) -> bool | None:
    if io.read(qt("prompt_open", lang)) is None:
        return None
    if question.model_answer is not None:
        io.write(qt("model_answer", lang, text=pick(question.model_answer, lang)))
        _explain(question, io, lang)
    else:
        io.write(qt("model_answer", lang, text=pick(question.explanation, lang)))
        io.write(qt("source", lang, source=pick(question.source, lang)))
    while True:
        text = io.read(qt("prompt_self_rate", lang))
        if text is None:
            return None
        rating = parse_yes_no(text)
        if rating is not None:
            break
        if io.interactive:
            io.write(qt("answer_try_again", lang, reason=qt("answer_not_yes_no", lang)))
            continue
        io.write(qt("answer_counted_wrong", lang, reason=qt("answer_not_yes_no", lang)))
        rating = False
        break
    rated = qt("self_rated_right" if rating else "self_rated_wrong", lang)
    io.write(style.good(rated) if rating else style.bad(rated))
    return rating


def _explain(question: Question, io: QuizIO, lang: str) -> None:
    io.write(pick(question.explanation, lang))
    io.write(qt("source", lang, source=pick(question.source, lang)))
