"""`kldrill interview`: a mock interview on closed-book stubs, graded on every save."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader import exercises
from grader.reporting import style
from grader.learner import workspace
from grader.cli.common import Command, Interrupted, KldrillError, lang_option, track_option
from grader.i18n import pick, t


def _pick(store, chosen: tuple[str, ...], count: int, tracks: tuple[int, ...] = ()) -> list[str]:
    from grader.practice import schedule

    if chosen:
        return list(dict.fromkeys(chosen))
    names = [e.name for e in exercises.all_exercises() if not tracks or e.track in tracks]
    cards = store.exercise_cards()
    seen = {n: c.due for n, c in cards.items()}
    return schedule.order(names, store.exercises_due(names), seen)[:count]


def _make_room(folder: Path, names: list[str], force: bool, lang: str) -> None:
    """Refuse to replace the learner's own files, except in an interview folder or with --force (where
    the interview backs them up before it writes the closed-book stub)."""
    from grader.practice.text import pt

    ours = workspace.load_state(folder).get("interview") is True
    own = [exercises.get(n).file for n in names
           if (folder / exercises.get(n).file).exists()
           and not workspace.is_untouched_stub(folder / exercises.get(n).file, exercises.get(n))]
    if own and not (ours or force):
        raise KldrillError(pt("interview_refuses", lang, path=folder, files=", ".join(own)))


def _verdict(result, lang: str) -> str:
    from grader.practice.text import pt

    from grader.reporting.report import convention_lines, status_cell

    lines = [pt("verdict_line", lang, name=result.name, status=status_cell(result, lang))]
    if result.diagnosis and pick(result.diagnosis["message"], lang):  # (empty: withheld in closed book)
        lines.append("  " + style.bold(pick(result.diagnosis["message"], lang)))
    failure = result.first_failure()
    if failure is not None and failure.core_failure:
        lines.append("  " + t("first_failure", lang, name=failure.name, message=failure.message))
    elif result.core:  # the maths is right: the conventions it missed, as `kldrill grade` names them
        lines += ["  " + line for c in result.missed for line in convention_lines(result, c.id, lang)]
    return "\n".join(lines)


def _grade_live(judge, path: Path, name: str, io, lang: str):
    """Grade ``name`` on the warm judge; meanwhile the status line counts down to the time a hanging
    call of the learner's code is stopped, instead of the clock standing still."""
    import threading
    import time

    answer: dict[str, object] = {}

    def run() -> None:
        try:
            answer["result"] = judge.grade(path, [name]).exercises[0]
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            answer["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    while worker.is_alive():
        worker.join(1.0)
        if worker.is_alive():
            if not judge.ready:  # the judge's own start is not the submission's time
                io.status(t("watch_starting", lang))
                started = time.monotonic()
                continue
            elapsed = time.monotonic() - started
            left = min(judge.limits.call_timeout, judge.limits.total_timeout) - elapsed
            io.status(t("watch_countdown", lang, name=name, elapsed=f"{elapsed:.0f}", left=f"{max(0.0, left):.0f}"))
    if "error" in answer:
        raise answer["error"]  # type: ignore[misc]
    return answer["result"]


@click.command(cls=Command)
@click.argument("directory", default="kl-drill-interview", type=click.Path(file_okay=False))
@click.option("--exercise", "chosen", multiple=True, metavar="NAME",
              help="Interview on this exercise (repeat for several). Default: what is due, then what is new.")
@click.option("--count", "-n", type=click.IntRange(1, 20), default=1, show_default=True,
              help="How many exercises, when none is chosen.")
@click.option("--followups", type=click.IntRange(0, 5), default=3, show_default=True,
              help="Follow-up questions after each pass.")
@click.option("--seed", type=int, default=None, help="Seed for the choice of follow-up questions.")
@click.option("--force", is_flag=True, help="Replace your own exercise files in DIRECTORY (backups are kept).")
@click.option("--json", "as_json", is_flag=True, help="End with the scorecard as one line of JSON.")
@track_option
@lang_option
def interview(directory: str, chosen: tuple[str, ...], count: int, followups: int, seed: int | None,
              force: bool, as_json: bool, lang: str, tracks: tuple[int, ...] = ()) -> None:
    """A mock interview: write each function from memory (closed book) while the clock runs.

    \b
    Every save of the file is graded. Once it passes, the interviewer asks follow-up
    questions. The scorecard says how long it took, how many saves and hints, which
    mistakes were made on the way; the exercise is rescheduled (FSRS) for a re-drill:
    `kldrill review` says what is due. Ctrl-C ends it with a partial scorecard.
    """
    from grader.judging.grading import GradingError
    from grader.judging.warm import WarmJudge
    from grader.isolation.privileges import not_dumpable
    from grader.practice import scorecard
    from grader.practice.interview import Interview
    from grader.practice.terminal import InterviewIO, LineInput
    from grader.practice.text import pt
    from grader.quiz.bank import BankError, load_bank
    from grader.quiz.progress import ProgressError, Store
    from grader.resources import questions_file

    unknown = [n for n in chosen if n not in exercises.names()]
    if unknown:
        raise KldrillError(t("unknown_exercise", lang, name=unknown[0], names=", ".join(exercises.names())))
    not_dumpable()  # as `grade` does: out of reach of learner code running as this user
    try:
        bank = load_bank(questions_file())
    except BankError as exc:
        raise KldrillError(exc.render(lang)) from None
    try:
        store = Store.open()
    except ProgressError as exc:  # before anything starts: nothing is lost
        raise KldrillError(exc.render(lang), exit_code=1) from None
    with store:
        names = _pick(store, chosen, count, tracks)
        if not names:
            click.echo(pt("interview_nothing", lang))
            return
        folder = Path(directory)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _make_room(folder, names, force, lang)
            state = workspace.load_state(folder)
            state["interview"] = True
            workspace.save_state(folder, state)
        except OSError as exc:  # a read-only folder, say: the interview cannot write its files there
            raise KldrillError(t("path_error", lang, path=folder, reason=exc)) from None

        io = InterviewIO(LineInput(sys.stdin.fileno()))
        # Warm from the start: torch and the checks load while the learner reads the contract.
        with WarmJudge(lang=lang) as judge:
            def grade_one(path: Path, name: str):
                try:
                    return _grade_live(judge, path, name, io, lang)
                except GradingError as exc:
                    raise KldrillError(t("internal_error", lang, detail=exc), exit_code=3) from None

            session = Interview(folder, io, lang, grade_one, bank=bank, store=store, followups=followups,
                                seed=seed, render=_verdict)
            io.write(pt("interview_intro", lang, count=len(names), path=folder))
            partial = False
            interrupted = False
            try:
                runs = session.run(names)
                partial = any(r.interrupted for r in runs)
            except KeyboardInterrupt:
                judge.abort()  # at once: a grade in progress (in its thread) must not be waited for
                runs, partial, interrupted = session.runs, True, True
                io.write()
        io.write()
        io.write(scorecard.render(runs, lang, partial=partial))
        if as_json:
            io.write(json.dumps(scorecard.to_json(runs, partial=partial), ensure_ascii=False))
        if session.unsaved:
            raise KldrillError(pt("interview_unsaved", lang, reason=session.unsaved[0]), exit_code=1)
        if interrupted:
            raise Interrupted(lang)
