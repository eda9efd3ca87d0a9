"""A mock interview: a closed-book file, a running clock, a verdict on every save, follow-up
questions once it passes, and a rating for the exercise's FSRS schedule.

Everything it touches is injected (input and output, the grader, the clocks, the progress store), so
a terminal, a test or a notebook can drive it. The learner's code is only ever graded by ``grade``,
which runs it in an isolated learner process; this module never imports torch.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from grader import exercises
from grader.learner import workspace
from grader.i18n import pick
from grader.practice import schedule
from grader.practice.terminal import EOF_MARK, InterviewIO
from grader.practice.text import pt
from grader.practice.withhold import closed_book_view
from grader.judging.results import ExerciseResult

# grade(workspace, exercise) -> that exercise's verdict, from an isolated learner process.
Grader = Callable[[Path, str], ExerciseResult]

HINT_WORDS = {"h", "hint", "提示"}
DIAGNOSIS_WORDS = {"d", "diagnosis", "诊断"}
GIVE_UP_WORDS = {"g", "give up", "giveup", "放弃"}
QUIT_WORDS = {"q", "quit", "exit", "退出"}


@dataclass
class ExerciseRun:
    """One exercise of an interview, as the scorecard and the schedule see it."""
    name: str
    started_at: datetime
    closed_book: bool = True
    attempts: int = 0  # saves graded
    hints: int = 0  # hint levels seen, plus withheld diagnoses shown
    hint_level: int = 0  # the highest hint level shown (here or by `kldrill hint`)
    revealed: set = field(default_factory=set)  # ids of withheld diagnoses shown (each counts as a hint)
    seconds_to_pass: float | None = None
    seconds: float = 0.0
    failures: Counter = field(default_factory=Counter)  # diagnosis id (or failing check) -> saves
    passed: bool = False
    gave_up: bool = False
    interrupted: bool = False
    followups_asked: int = 0
    followups_right: int = 0
    rating: str | None = None
    next_due: datetime | None = None

    def to_json(self) -> dict:
        return {"exercise": self.name, "closed_book": self.closed_book, "passed": self.passed,
                "gave_up": self.gave_up, "interrupted": self.interrupted, "attempts": self.attempts,
                "hints": self.hints,
                "seconds_to_pass": None if self.seconds_to_pass is None else round(self.seconds_to_pass, 1),
                "seconds": round(self.seconds, 1), "failures": dict(self.failures),
                "followups": {"asked": self.followups_asked, "right": self.followups_right},
                "rating": self.rating, "next_due": None if self.next_due is None else self.next_due.isoformat()}


def failure_key(result: ExerciseResult) -> str:
    """What a failed save is counted under: its diagnosis, else its first failing check, else its status."""
    if result.diagnosis and result.diagnosis.get("id"):
        return str(result.diagnosis["id"])
    first = result.first_failure()
    return first.name if first is not None else result.status


def _digest(path: Path) -> bytes | None:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None


def _clock_text(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


class Interview:
    """Run exercises one after another in ``folder``; ``runs`` holds what happened, even after Ctrl-C."""

    def __init__(self, folder: Path, io: InterviewIO, lang: str, grade: Grader, *,
                 bank=None, store=None, followups: int = 3, seed: int | None = None,
                 interval: float = 0.25, monotonic: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 render: Callable[[ExerciseResult, str], str] | None = None) -> None:
        self.folder, self.io, self.lang, self.grade = folder, io, lang, grade
        self.bank, self.store, self.followups = bank, store, followups
        self.random = random.Random(seed)
        self.interval, self.monotonic, self.now = interval, monotonic, now
        self.render = render or (lambda result, lang: result.status)
        self.runs: list[ExerciseRun] = []
        self.unsaved: list[str] = []
        self.withheld: dict | None = None  # the last verdict's diagnosis, withheld as giving the answer away

    def run(self, names: list[str]) -> list[ExerciseRun]:
        for number, name in enumerate(names, start=1):
            self._one(name, number, len(names))
            if self.runs[-1].interrupted:
                break
        return self.runs

    # --- one exercise -------------------------------------------------------------------------
    def _one(self, name: str, number: int, total: int) -> None:
        meta = exercises.get(name)
        run = ExerciseRun(name, started_at=self.now())
        self.runs.append(run)
        path = self.folder / meta.file
        kept: list[Path] = []
        workspace.init(self.folder, force=True, closed_book=True, names=[name], backups=kept)
        for backup in kept:  # an earlier attempt, or the learner's own file (allowed by the command)
            self.io.write(pt("interview_backup", self.lang, file=meta.file, backup=backup))
        # The baseline is the stub just written, taken before anything is shown: a save made as soon
        # as the learner reads the prompt is a change, not the baseline.
        last = _digest(path)
        state = workspace.load_state(self.folder)
        state.setdefault("hints", {})[name] = 0  # a new attempt starts with no hint shown
        workspace.save_state_or_tell(self.folder, state)
        self.io.write(pt("interview_exercise", self.lang, number=number, total=total, name=name,
                         title=pick(exercises.title(meta, closed_book=True), self.lang), path=path))
        self.io.write(pt("interview_commands", self.lang))
        start = self.monotonic()
        try:
            while True:
                got = self.io.lines.poll(self.interval)
                run.seconds = self.monotonic() - start
                if got is EOF_MARK:
                    run.interrupted = True
                    break
                if isinstance(got, str) and self._command(got.strip().lower(), run, meta):
                    break
                now_digest = _digest(path)
                if now_digest is not None and now_digest != last:
                    last = now_digest
                    if self._grade_save(run, path, start):
                        break
                self.io.status(pt("interview_clock", self.lang, name=name, clock=_clock_text(run.seconds),
                                  attempts=run.attempts, hints=run.hints))
        except KeyboardInterrupt:
            run.interrupted = True
            run.seconds = self.monotonic() - start
            self._finish(run)
            raise
        run.seconds = self.monotonic() - start
        stopped = self._follow_up(run) if run.passed else False
        self._finish(run)
        if stopped:  # Ctrl-C during the follow-up questions: the pass stands, the interview ends
            raise KeyboardInterrupt

    def _command(self, command: str, run: ExerciseRun, meta: exercises.Exercise) -> bool:
        """Act on a typed command; True when it ends the exercise."""
        if command in HINT_WORDS:
            self._hint(run, meta)
        elif command in DIAGNOSIS_WORDS:
            self._reveal(run)
        elif command in GIVE_UP_WORDS:
            run.gave_up = True
            self.io.write(pt("interview_gave_up", self.lang, name=meta.name))
            return True
        elif command in QUIT_WORDS:
            run.interrupted = True
            return True
        elif command:
            self.io.write(pt("interview_commands", self.lang))
        return False

    def _hint(self, run: ExerciseRun, meta: exercises.Exercise) -> None:
        state = workspace.load_state(self.folder)
        hints = state.setdefault("hints", {})
        level = min(int(hints.get(meta.name, 0)) + 1, len(meta.hints))
        hints[meta.name] = level
        workspace.save_state_or_tell(self.folder, state)  # the hint is counted in this run either way
        run.hint_level = max(run.hint_level, level)
        run.hints = run.hint_level + len(run.revealed)
        self.io.write(pt("interview_hint", self.lang, level=level, total=len(meta.hints),
                         text=pick(meta.hints[level - 1], self.lang)))

    def _grade_save(self, run: ExerciseRun, path: Path, start: float) -> bool:
        """Grade the saved file; True when it passes."""
        run.attempts += 1
        saved_at = self.monotonic() - start  # the time to pass is the learner's, not the grader's
        self.io.write(pt("interview_grading", self.lang, file=path.name, attempt=run.attempts,
                         clock=_clock_text(saved_at)))
        result = self.grade(self.folder, run.name)
        self._count_hints(run)
        self.withheld = None
        if run.closed_book:  # a diagnosis that states the formula would be the answer, not feedback
            result, self.withheld = closed_book_view(result)
        self.io.write(self.render(result, self.lang))
        if self.withheld is not None:
            self.io.write(pt("interview_withheld", self.lang))
        if result.status == "passed":
            run.passed = True
            run.seconds_to_pass = saved_at
            self.io.write(pt("interview_passed", self.lang, name=run.name, clock=_clock_text(run.seconds_to_pass),
                             count=run.attempts))
            return True
        run.failures[failure_key(result)] += 1
        return False

    def _count_hints(self, run: ExerciseRun) -> None:
        # `kldrill hint` in another terminal counts too: the workspace state has the level shown.
        shown = workspace.load_state(self.folder).get("hints", {}).get(run.name, 0)
        run.hint_level = max(run.hint_level, shown if isinstance(shown, int) else 0)
        run.hints = run.hint_level + len(run.revealed)

    def _reveal(self, run: ExerciseRun) -> None:
        """Show the diagnosis withheld from the last verdict; the first time for each, it is a hint."""
        if self.withheld is None:
            self.io.write(pt("interview_no_withheld", self.lang))
            return
        run.revealed.add(str(self.withheld.get("id")))
        run.hints = run.hint_level + len(run.revealed)
        self.io.write(pt("interview_diagnosis", self.lang, text=pick(self.withheld["message"], self.lang)))

    def _follow_up(self, run: ExerciseRun) -> bool:
        """Ask the follow-up questions; True when they were cut short by Ctrl-C."""
        if self.bank is None or not self.followups:
            return False
        from grader.quiz import progress
        from grader.quiz.session import run_quiz

        linked = list(self.bank.for_exercise(run.name))
        if not linked:
            return False
        key = progress.bank_key(self.bank.path)
        due = self.store.due(key, [q.id for q in linked]) if self.store is not None else []
        rest = [q for q in linked if q.id not in due]
        self.random.shuffle(rest)
        chosen = ([self.bank.get(qid) for qid in due] + rest)[: self.followups]
        self.io.write(pt("interview_followups", self.lang, count=len(chosen), name=run.name))

        def record(question, correct: bool) -> None:
            if self.store is None:
                return
            try:
                self.store.record(key, question.id, question.topic, correct, self.lang)
            except progress.ProgressError as exc:
                self.unsaved.append(exc.render(self.lang))

        result = run_quiz(chosen, self.io, self.lang, record)
        run.followups_asked, run.followups_right = result.asked, result.correct
        return result.interrupted

    def _finish(self, run: ExerciseRun) -> None:
        self._count_hints(run)
        run.rating = schedule.rating(run.passed, run.gave_up, run.closed_book, run.hints, run.seconds_to_pass,
                                     run.attempts)
        if self.store is None:
            return
        from grader.quiz import progress

        try:
            run.next_due = self.store.record_exercise(
                run.name, "closed-book", run.passed, run.rating, run.seconds_to_pass, run.attempts, run.hints,
                {"failures": dict(run.failures), "followups": [run.followups_asked, run.followups_right],
                 "gave_up": run.gave_up, "interrupted": run.interrupted},
                run.started_at, self.lang)
        except progress.ProgressError as exc:
            self.unsaved.append(exc.render(self.lang))
