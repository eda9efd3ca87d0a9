from __future__ import annotations

import json

import click

from grader import exercises, report, workspace
from grader.cli_common import KldrillError, lang_option
from grader.grading import GradingError, grade as run_grade
from grader.i18n import t
from grader.learner_limits import Limits
from grader.submission import SubmissionError, resolve


@click.command()
@click.argument("path", default=".", required=False)
@click.option("--exercise", "-e", "names", multiple=True, metavar="NAME",
              help="Grade only this exercise (repeatable). Default: all.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object on stdout.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=Limits.call_timeout, show_default=True,
              help="Seconds one call of your code may take.")
@click.option("--budget", type=click.FloatRange(min=1), default=Limits.total_timeout, show_default=True,
              help="Seconds all of the submission's code may take together.")
@click.option("--sandbox", is_flag=True, help="Run your code under bubblewrap: no network, private /tmp, "
              "the reference and the checks not visible at all.")
@lang_option
def grade(path: str, names: tuple[str, ...], as_json: bool, timeout: float, budget: float, sandbox: bool,
          lang: str) -> None:
    """Grade a workspace folder or one .py file (default: the current workspace).

    Exit status: 0 if every graded exercise passed, 1 otherwise, 2 for usage errors.
    """
    for name in names:
        if name not in exercises.names():
            raise KldrillError(t("unknown_exercise", lang, name=name, names=", ".join(exercises.names())))
    try:
        submission = resolve(path)
    except SubmissionError as exc:
        raise KldrillError(t(exc.key, lang, **exc.fields)) from None
    if sandbox:
        from shutil import which

        if which("bwrap") is None:
            raise KldrillError(t("no_bwrap", lang))
    selected = list(dict.fromkeys(names)) or exercises.names()
    try:
        limits = Limits(call_timeout=timeout, total_timeout=budget)
        label = str(submission.path) if path == "." else path
        result = run_grade(submission.path, selected, lang=lang, limits=limits, sandbox=sandbox, label=label)
    except GradingError as exc:
        raise KldrillError(t("internal_error", lang, detail=exc), exit_code=3) from None
    if submission.kind == "workspace":
        try:
            workspace.record_grades(submission.path, {e.name: e.status for e in result.exercises})
        except OSError:
            pass  # a read-only workspace still gets its verdict
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        click.echo(report.render(result, lang))
    raise SystemExit(0 if result.all_passed else 1)
