"""`kldrill drill`: fix-the-bug drills. A thin layer over grader.practice (drills, drill_files)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from grader.reporting import report, style, table
from grader.learner import workspace
from grader.cli.common import Command, KldrillError, lang_option
from grader.i18n import t
from grader.practice import drill_files, drills
from grader.practice.drills import DrillError


def _error(exc: DrillError, lang: str) -> KldrillError:
    return KldrillError(t(exc.key, lang, **exc.fields))


def _check_dir(directory: str | None, lang: str) -> Path:
    """Where the drills to grade are: DIR, else the current workspace, else the default drill folder."""
    if directory is not None:
        path = Path(directory)
        if not workspace.is_workspace(path):
            raise KldrillError(t("drill_no_drills", lang, path=directory))
        return path
    for path in (Path("."), Path(drill_files.DEFAULT_DIR)):
        if workspace.is_workspace(path) and drill_files.recorded(path):
            return path
    raise KldrillError(t("drill_no_drills", lang, path="."))


def _list(directory: str | None, lang: str) -> None:
    here = Path(directory or ".")
    started = drill_files.recorded(here) if workspace.is_workspace(here) else {}
    rows = []
    for name in drills.exercises_with_drills():
        pool = drills.for_exercise(name)
        entry = started.get(name)
        outcome = (entry.get("outcome") or "started") if entry else None
        status = style.status(t("drill_status_" + outcome, lang), outcome) if outcome else "-"
        rows.append([name, str(len({d.mistake for d in pool})), str(len(pool)), status])
    click.echo(table.render([t("col_exercise", lang), t("drill_col_mistakes", lang), t("drill_col_styles", lang),
                             t("drill_col_here", lang)], rows))
    click.echo("\n" + t("drill_list_next", lang))


def _fix(exercise: str, directory: str | None, seed: int | None, mistake: str | None, force: bool,
         lang: str) -> None:
    if directory is not None:
        target = Path(directory)
    else:
        target = Path(".") if workspace.is_workspace(Path(".")) else Path(drill_files.DEFAULT_DIR)
    try:
        started = drill_files.start(target, exercise, seed=seed, mistake=mistake, force=force)
    except DrillError as exc:
        raise _error(exc, lang) from None
    except OSError as exc:
        raise KldrillError(t("path_error", lang, path=target, reason=exc)) from None
    if started.backup is not None:
        click.echo(t("drill_backup", lang, path=started.path, backup=started.backup))
    where = "" if target == Path(".") else t("drill_in_dir", lang, path=target)
    click.echo(t("drill_written", lang, name=exercise, path=started.path, where=where))


def _check(exercise: str | None, directory: str | None, as_json: bool, sandbox: bool | None, lang: str) -> None:
    from grader.judging.grading import GradingError, use_sandbox
    from grader.isolation.privileges import not_dumpable

    not_dumpable()  # as `grade` does: the verdict stays out of reach of learner code run as this user
    target = _check_dir(directory, lang)
    try:
        result, outcomes = drill_files.check(target, exercise, lang=lang, sandbox=use_sandbox(sandbox, lang))
    except DrillError as exc:
        raise _error(exc, lang) from None
    except GradingError as exc:
        raise KldrillError(t("internal_error", lang, detail=exc), exit_code=3) from None
    if as_json:
        click.echo(json.dumps({"result": result.to_json(), "drills": [o.to_json() for o in outcomes]},
                              ensure_ascii=False))
    else:
        click.echo(report.render(result, lang))
        click.echo()
        for outcome in outcomes:
            click.echo(outcome.render(lang))
    raise SystemExit(0 if all(o.fixed for o in outcomes) else 1)


@click.command(cls=Command)
@click.argument("directory", required=False, metavar="[DIR]")
@click.option("--fix", "exercise", metavar="EXERCISE",
              help="Write a buggy EXERCISE into the workspace DIR for you to repair. With --check: grade that "
              "drill only.")
@click.option("--check", is_flag=True, help="Grade the drills in DIR and say whether the planted mistake was the "
              "one you fixed.")
@click.option("--list", "show_list", is_flag=True, help="Show which exercises have drills (and, in a workspace, "
              "how yours went).")
@click.option("--seed", type=int, default=None, help="Pick the drill at random with this seed (default: the next "
              "one in turn, so repeated drills plant different mistakes).")
@click.option("--mistake", metavar="ID", help="Plant this catalogued mistake (default: any of the exercise's).")
@click.option("--force", is_flag=True, help="Replace your own EXERCISE file too, after keeping it as FILE.bak.")
@click.option("--json", "as_json", is_flag=True, help="With --check: print exactly one JSON object.")
@click.option("--sandbox/--no-sandbox", default=None, help="With --check: as for `kldrill grade`.")
@lang_option
def drill(directory: str | None, exercise: str | None, check: bool, show_list: bool, seed: int | None,
          mistake: str | None, force: bool, as_json: bool, sandbox: bool | None, lang: str) -> None:
    """Fix-the-bug drills: code with one planted mistake, as interviewers show it.

    \b
    kldrill drill --fix EXERCISE [DIR]   write the drill (EXERCISE.py with a bug)
    kldrill drill --check [DIR]          grade every drill in DIR
    kldrill drill --check --fix EXERCISE grade that drill only
    kldrill drill --list                 which exercises have drills

    DIR defaults to the current folder if it is a workspace, else kl-drill-drill (created with the stubs
    when needed; --check also looks there). A drill replaces only an untouched stub or an untouched
    earlier drill: your own code is refused, or kept as a .bak with --force.

    Exit status with --check: 0 if every drill graded passes, 1 otherwise, 2 for usage errors.
    """
    modes = sum([bool(show_list), bool(check), bool(exercise) and not check])
    if modes != 1:
        raise KldrillError(t("drill_usage", lang))
    if (seed is not None or mistake is not None or force) and (check or show_list):
        raise KldrillError(t("drill_fix_only", lang))
    if (as_json or sandbox is not None) and not check:
        raise KldrillError(t("drill_check_only", lang))
    if show_list:
        _list(directory, lang)
    elif check:
        _check(exercise, directory, as_json, sandbox, lang)
    else:
        _fix(exercise, directory, seed, mistake, force, lang)
