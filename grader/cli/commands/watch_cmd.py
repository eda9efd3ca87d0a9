"""kldrill watch: re-grade on every save, with a judge kept warm between saves (grader/judging/warm.py)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import click

from grader import exercises
from grader.reporting import report, style
from grader.learner import workspace
from grader.cli.common import Command, Interrupted, KldrillError, lang_option
from grader.judging.grading import GradingError
from grader.i18n import t
from grader.isolation.limits import Limits
from grader.isolation.privileges import not_dumpable
from grader.judging.results import ExerciseResult, GradeResult
from grader.intake.submission import SubmissionError, resolve
from grader.judging.warm import WarmJudge


def _mtimes(files: list[Path]) -> dict[Path, float]:
    out = {}
    for f in files:
        try:
            out[f] = f.stat().st_mtime_ns
        except OSError:
            out[f] = -1
    return out


def _status(line: str, tty: bool) -> None:
    """A status line: rewritten in place on a terminal, one line each on a pipe (a log, a test)."""
    click.echo(f"\r\x1b[K{style.dim(line)}" if tty else line, nl=not tty)


def _grade_live(judge: WarmJudge, path: Path, names: list[str], lang: str) -> GradeResult:
    """Grade ``names``, saying so at once and then, about once a second, how long the exercise being
    graded has before a hanging call of it is stopped (instead of leaving the last verdict up)."""
    tty = sys.stdout.isatty()
    click.clear()  # on a terminal: the last verdict goes, it is stale now (a no-op on a pipe)
    click.echo(t("watch_grading", lang, names=", ".join(names)))
    limits = judge.limits
    started = time.monotonic()
    now_on = {"name": names[0], "since": started}
    finished: set[str] = set()

    def on_progress(result: ExerciseResult) -> None:  # in the grading thread
        finished.add(result.name)
        left = [n for n in names if n not in finished]
        if left:
            now_on.update(name=left[0], since=time.monotonic())

    answer: dict[str, object] = {}

    def run() -> None:
        try:
            answer["result"] = judge.grade(path, names, on_progress=on_progress, label=str(path))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            answer["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    warm = judge.ready
    while worker.is_alive():
        worker.join(1.0)
        if worker.is_alive():
            now = time.monotonic()
            if not warm:
                if not judge.ready:  # the judge's own start is not the submission's time
                    _status(t("watch_starting", lang), tty)
                    continue
                warm = True
                started = now_on["since"] = now
            # A call of the exercise's code that hangs is stopped after call_timeout; all of it after
            # the budget: the sooner of the two is what a hanging submission waits for.
            left = min(limits.call_timeout - (now - now_on["since"]), limits.total_timeout - (now - started))
            line = t("watch_countdown", lang, name=now_on["name"], elapsed=f"{now - started:.0f}",
                     left=f"{max(0.0, left):.0f}")
            _status(line, tty)
    if tty:
        click.echo()
    if "error" in answer:
        raise answer["error"]  # type: ignore[misc]
    return answer["result"]  # type: ignore[return-value]


def _passed_line(result: ExerciseResult, current: ExerciseResult | None, lang: str) -> str:
    if current is None:
        return t("watch_passed_last", lang, name=result.name, count=len(result.checks))
    return t("watch_passed", lang, name=result.name, count=len(result.checks), next=current.name)


@click.command(cls=Command)
@click.argument("path", default=".", required=False)
@click.option("--interval", type=click.FloatRange(min=0.02), default=0.05, show_default=True,
              help="Seconds between looks at the files.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=Limits.call_timeout, show_default=True,
              help="Seconds one call of your code may take.")
@lang_option
def watch(path: str, interval: float, timeout: float, lang: str) -> None:
    """Re-grade the workspace whenever you save an exercise file; Ctrl-C to stop."""
    not_dumpable()  # as `grade` does: out of reach of learner code running as this user
    try:
        submission = resolve(path)
    except SubmissionError as exc:
        raise KldrillError(t(exc.key, lang, **exc.fields)) from None
    if submission.kind != "workspace" and submission.path.suffix != ".ipynb":
        raise KldrillError(t("watch_needs_workspace", lang, path=path))
    if submission.kind == "workspace" and not submission.files:  # it watches the exercise files
        raise KldrillError(t("watch_no_exercise_files", lang, path=path))
    # A notebook holds every exercise: saving it re-grades them all.
    files = [submission.path / e.file if submission.kind == "workspace" else submission.path
             for e in exercises.all_exercises()]
    results: dict[str, object] = {}
    # The exercises the workspace holds (a file added later is graded when it appears).
    changed = set(workspace.held(submission.path) if submission.kind == "workspace" else exercises.names())
    seen = _mtimes(files)
    try:
        judge = WarmJudge(lang=lang, limits=Limits(call_timeout=timeout))
    except GradingError as exc:
        raise KldrillError(str(exc)) from None
    first = True
    try:
        while True:
            if changed:
                names = [n for n in exercises.names() if n in changed]
                try:
                    graded = _grade_live(judge, submission.path, names, lang)
                except GradingError as exc:
                    raise KldrillError(t("internal_error", lang, detail=exc), exit_code=3) from None
                results.update({e.name: e for e in graded.exercises})
                try:
                    workspace.record_grades(submission.path, {e.name: e.status for e in graded.exercises})
                except OSError:
                    pass  # a read-only workspace still gets its verdicts
                ordered = [results[n] for n in exercises.names() if n in results]
                current = next((e for e in ordered if e.status != "passed"), None)
                click.clear()
                if not first:  # a save that passes says so, then the next exercise (as rustlings does)
                    for passed in (e for e in graded.exercises if e.status == "passed"):
                        click.echo(style.good(_passed_line(passed, current, lang)))
                first = False
                shown = GradeResult(str(submission.path), [current] if current else ordered)
                click.echo(report.render(shown, lang))
                click.echo("\n" + style.dim(t("watch_waiting", lang)))
                changed = set()
            time.sleep(interval)
            now = _mtimes(files)
            changed = {e.name for e, f in zip(exercises.all_exercises(), files) if now[f] != seen[f]}
            seen = now
    except KeyboardInterrupt:
        judge.abort()  # now: a grade in progress (in its thread) would otherwise keep the judge busy
        click.echo(t("watch_bye", lang))
        raise Interrupted(lang) from None
    finally:
        judge.close()
