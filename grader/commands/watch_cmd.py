from __future__ import annotations

import time
from pathlib import Path

import click

from grader import exercises, report, workspace
from grader.cli_common import KldrillError, lang_option
from grader.grading import GradingError, grade
from grader.i18n import t
from grader.isolation.privileges import not_dumpable
from grader.results import GradeResult
from grader.submission import SubmissionError, resolve


def _mtimes(files: list[Path]) -> dict[Path, float]:
    out = {}
    for f in files:
        try:
            out[f] = f.stat().st_mtime_ns
        except OSError:
            out[f] = -1
    return out


@click.command()
@click.argument("path", default=".", required=False)
@click.option("--interval", type=click.FloatRange(min=0.1), default=0.5, show_default=True,
              help="Seconds between looks at the files.")
@lang_option
def watch(path: str, interval: float, lang: str) -> None:
    """Re-grade the workspace whenever you save an exercise file; Ctrl-C to stop."""
    not_dumpable()  # as `grade` does: out of reach of learner code running as this user
    try:
        submission = resolve(path)
    except SubmissionError as exc:
        raise KldrillError(t(exc.key, lang, **exc.fields)) from None
    if submission.kind != "workspace" and submission.path.suffix != ".ipynb":
        raise KldrillError(t("watch_needs_workspace", lang, path=path))
    # A notebook holds every exercise: saving it re-grades them all.
    files = [submission.path / e.file if submission.kind == "workspace" else submission.path
             for e in exercises.all_exercises()]
    results: dict[str, object] = {}
    changed = set(exercises.names())
    seen = _mtimes(files)
    try:
        while True:
            if changed:
                names = [n for n in exercises.names() if n in changed]
                try:
                    graded = grade(submission.path, names, lang=lang)
                except GradingError as exc:
                    raise KldrillError(t("internal_error", lang, detail=exc), exit_code=3) from None
                results.update({e.name: e for e in graded.exercises})
                workspace.record_grades(submission.path, {e.name: e.status for e in graded.exercises})
                ordered = [results[n] for n in exercises.names() if n in results]
                current = next((e for e in ordered if e.status != "passed"), None)
                click.clear()
                shown = GradeResult(str(submission.path), [current] if current else ordered)
                click.echo(report.render(shown, lang))
                click.echo("\n" + t("watch_waiting", lang))
                changed = set()
            time.sleep(interval)
            now = _mtimes(files)
            changed = {e.name for e, f in zip(exercises.all_exercises(), files) if now[f] != seen[f]}
            seen = now
    except KeyboardInterrupt:
        click.echo(t("watch_bye", lang))
