from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from grader import exercises
from grader.reporting import report
from grader.judging import safe_text
from grader.learner import workspace
from grader.intake import archives, locate
from grader.cli.common import (Command, KldrillError, lang_option, select_exercises, strict_option,
                                track_option)
from grader.cores import default_jobs
from grader.reporting.exports import CSV_ENCODINGS, VISIBILITIES, ExportError, check_targets, export_all
from grader.judging.grading import GradingError, grade as run_grade, grade_many, use_sandbox
from grader.i18n import detect_lang, t
from grader.intake.ipynb import left_out_note
from grader.isolation.privileges import not_dumpable
from grader.isolation.limits import Limits
from grader.reporting.progress import SingleGradeLine, Throughput, status_line
from grader.judging.results import GradeResult, failed_everywhere
from grader.intake.submission import SubmissionError, resolve


def _shard(value: str | None, lang: str) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise KldrillError(t("bad_shard", lang, value=value)) from None
    if not 0 <= index < count:
        raise KldrillError(t("bad_shard", lang, value=value))
    return index, count


def _csv_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--csv-encoding, checked here so a wrong one is our one-line error, in the user's language."""
    if value is None:
        return None
    name = value.strip().lower().replace("_", "-").replace("utf8", "utf-8")
    if name not in CSV_ENCODINGS:
        lang = ctx.params.get("lang") or detect_lang()
        raise KldrillError(t("bad_csv_encoding", lang, value=value, choices=", ".join(CSV_ENCODINGS)))
    return name


def batch_entries(directory: str, lang: str) -> list[str]:
    """The submissions in ``directory``, sorted by name: each .py or .ipynb file and each sub-folder
    (a student's, graded whatever its files are called: grader/intake/locate.py).

    A sub-folder without Python is kept (its verdict says so: a student whose submission is malformed
    must show up in the gradebook with a zero, not vanish); any other file (a README, a roster, last
    week's CSV) is not a submission and is skipped with a note; what archivers and file managers leave
    (__MACOSX, .DS_Store, Thumbs.db, desktop.ini, hidden entries, __pycache__) silently.
    """
    root = Path(directory)
    if not root.is_dir():
        raise KldrillError(t("batch_missing", lang, path=directory))
    own = [e.file for e in exercises.all_exercises() if (root / e.file).is_file()]
    if own:  # `--batch my-workspace` would grade each exercise file as a separate student
        raise KldrillError(t("batch_is_workspace", lang, path=directory, files=", ".join(own)))
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise KldrillError(t("batch_unreadable", lang, path=directory, reason=exc)) from None
    entries = []
    for name in names:
        path = root / name
        if locate.is_junk(name):
            continue
        if path.is_dir() or (path.is_file() and (locate.is_candidate(name) or archives.is_archive(name))):
            entries.append(str(path))
        else:
            click.echo(f"kldrill: {t('batch_skipped', lang, path=safe_text.text(str(path)))}", err=True)
    if not entries:
        raise KldrillError(t("batch_nothing", lang, path=directory))
    return entries


def _export_failure(targets: dict[str, str], label: str, names: list[str], why: str, check: str, lang: str,
                    shown: tuple[str, str]) -> None:
    """Write the exports of a submission that could not be graded: every exercise an error saying why.
    The targets were checked before (check_targets), so this overwrites nothing it must not."""
    try:
        export_all([failed_everywhere(label, names, why, check)], targets, names, lang, True, shown)
    except ExportError as exc:
        click.echo(f"kldrill: {t(exc.key, lang, **exc.fields)}", err=True)


def _grade_staged(entries: list[str], names: list[str], lang: str, limits: Limits, sandbox: bool | None,
                  jobs: int | None, strict: bool) -> list[GradeResult]:
    """Grade a batch's entries, archives unpacked first (grader/intake/archives.py): an archive, or a student's
    folder holding one, is graded as that student; a refused archive is that student's zero, saying why."""
    with archives.Staging() as staging:
        staged = [staging.stage(Path(entry)) for entry in entries]
        for item in staged:
            for note in item.notes:
                click.echo(f"kldrill: {safe_text.text(t(note.key, lang, **note.fields))}", err=True)
        graded = [i for i, item in enumerate(staged) if item.error is None]
        results = iter(_grade_batch([str(staged[i].path) for i in graded], [entries[i] for i in graded], names,
                                    lang, limits, sandbox, jobs, strict))
        return [next(results) if item.error is None else
                failed_everywhere(entry, names, t(item.error.key, lang, **item.error.fields), "submission")
                for entry, item in zip(entries, staged)]


def _grade_batch(entries: list[str], labels: list[str], names: list[str], lang: str, limits: Limits,
                 sandbox: bool | None, jobs: int | None, strict: bool) -> list[GradeResult]:
    if not entries or not sys.stderr.isatty():  # CI logs get no progress bar, only the result
        return grade_many(entries, names, lang=lang, limits=limits, sandbox=sandbox, jobs=jobs, labels=labels,
                          strict=strict)
    # Our time left, not click's (grader/reporting/progress.py says why click's is ~10x too long).
    throughput = Throughput(len(entries), min(len(entries), jobs or default_jobs()))

    def on_progress(done: int, total: int, result: GradeResult) -> None:
        throughput.finished()
        bar.update(1, safe_text.text(result.submission))

    def shown(item: str | None) -> str | None:
        stalled = limits.call_timeout if throughput.stalled() else None
        return status_line(throughput.eta(), item, lang, stalled_for=stalled)

    with click.progressbar(length=len(entries), label=t("progress_label", lang), file=sys.stderr,
                           show_pos=True, show_eta=False, item_show_func=shown) as bar:
        # Redrawn every second too: the time left counts down, and a hang shows as one, not as "0:01".
        return grade_many(entries, names, lang=lang, limits=limits, sandbox=sandbox, jobs=jobs, labels=labels,
                          on_progress=on_progress, on_tick=bar.render_progress, strict=strict)


@click.command(cls=Command)
@click.argument("path", required=False)
@click.option("--exercise", "-e", "names", multiple=True, metavar="NAME",
              help="Grade only this exercise (repeatable). Default: all.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object on stdout.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=Limits.call_timeout, show_default=True,
              help="Seconds one call of your code may take.")
@click.option("--budget", type=click.FloatRange(min=1), default=Limits.total_timeout, show_default=True,
              help="Seconds all of the submission's code may take together.")
@click.option("--sandbox/--no-sandbox", default=None, help="Run the submitted code in a bubblewrap sandbox "
              "(no network, a private /tmp, its own processes, none of kl-drill's files). Default: wherever "
              "bubblewrap works; --sandbox makes it required.")
@click.option("--batch", "batch_dir", metavar="DIR",
              help="Grade every submission in DIR (each .py or .ipynb file, each sub-folder), in name order.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="With --batch: submissions graded at once (default: the number of cores).")
@click.option("--shard", metavar="I/N", help="With --batch: grade only entries I, I+N, I+2N, ... of DIR "
              "(0 <= I < N), for splitting a class over N machines.")
@click.option("--csv", "csv_file", metavar="FILE", help="Also write a CSV gradebook: a row per student, a "
              "score and a status per exercise, the total, one line of feedback.")
@click.option("--csv-encoding", callback=_csv_encoding, metavar="utf-8-sig|utf-8",
              help="With --csv: utf-8-sig (the default: UTF-8 with a byte-order mark, which Excel needs to show "
              "Chinese names) or plain utf-8.")
@click.option("--junit-xml", "junit_file", metavar="FILE", help="Also write JUnit XML (a testsuite per "
              "submission, a testcase per check) for CI dashboards.")
@click.option("--gradescope", "gradescope_file", metavar="FILE", help="Also write Gradescope's "
              "results.json for this submission (not with --batch), even when it cannot be graded.")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default=None,
              help="With --gradescope: when students see the tests (default: visible).")
@click.option("--stdout-visibility", type=click.Choice(VISIBILITIES), default=None,
              help="With --gradescope: when students see the autograder's stdout (default: hidden).")
@click.option("--force", is_flag=True, help="Let the exports overwrite existing files.")
@click.option("--verbose", "-v", is_flag=True, help="List every failing check of each exercise, not only "
              "the first.")
@strict_option
@track_option
@lang_option
def grade(path: str | None, names: tuple[str, ...], as_json: bool, timeout: float, budget: float,
          sandbox: bool | None, batch_dir: str | None, jobs: int | None, shard: str | None, csv_file: str | None,
          csv_encoding: str | None, junit_file: str | None, gradescope_file: str | None, visibility: str | None,
          stdout_visibility: str | None, force: bool, verbose: bool, strict: bool, tracks: tuple[int, ...],
          lang: str) -> None:
    """Grade a folder (a workspace, or any .py and .ipynb files: each function is found wherever it is
    defined), one .py file or a notebook (.ipynb) (default: the current workspace), or with --batch DIR
    every submission in DIR.

    An exercise passes when its maths is right (the core checks); the conventions it missed (dtype,
    precision, empty batches, clamps, error messages, on which verl, TRL and OpenRLHF differ) are named
    beside it and cost part of the marks. --strict: all or nothing.

    Exit status: 0 if every graded exercise (of every submission) passed, 1 otherwise, 2 for usage
    errors (and a submission that cannot be graded), 3 for an internal error.
    """
    # The command line reads the judge's verdict: keep its memory and files out of reach of learner
    # code running as this same user (no sandbox, not root).
    not_dumpable()
    # A workspace made with `init --track 1` holds track 1: --track 3 there is a usage error, not five
    # exercises "missing". Without --track, what was written is graded, and a line says so (below).
    folder = batch_dir is None and bool(tracks) and Path(path or ".").is_dir()
    default = workspace.held(Path(path or ".")) if folder else exercises.names()
    selected = select_exercises(names, tracks, lang, default)
    # Grade what was written: without -e or --track, a file holding the five track-1 functions (a workspace
    # made with `init --track 1`) is graded on those five, the rest not called missing. A class (--batch)
    # is graded on every exercise: a file not handed in is a zero.
    written_only = batch_dir is None and not names and not tracks
    if batch_dir is not None and path is not None:
        raise KldrillError(t("batch_and_path", lang))
    if batch_dir is None:
        for option, value in (("--jobs", jobs), ("--shard", shard)):
            if value is not None:
                raise KldrillError(t("batch_only", lang, option=option))
    elif gradescope_file is not None:
        raise KldrillError(t("gradescope_single", lang))
    if gradescope_file is None:
        for option, value in (("--visibility", visibility), ("--stdout-visibility", stdout_visibility)):
            if value is not None:
                raise KldrillError(t("gradescope_only", lang, option=option))
    shown = (visibility or "visible", stdout_visibility or "hidden")
    if csv_encoding is not None and csv_file is None:
        raise KldrillError(t("csv_encoding_only", lang))
    selected_shard = _shard(shard, lang)
    targets = {fmt: f for fmt, f in (("csv", csv_file), ("junit", junit_file), ("gradescope", gradescope_file))
               if f is not None}
    try:
        check_targets(targets, force)  # before grading: a class's grading is not lost to a typo
    except ExportError as exc:
        raise KldrillError(t(exc.key, lang, **exc.fields)) from None
    try:
        sandbox = use_sandbox(sandbox, lang)
    except GradingError as exc:
        raise KldrillError(str(exc)) from None
    limits = Limits(call_timeout=timeout, total_timeout=budget)
    if batch_dir is not None:
        entries = batch_entries(batch_dir, lang)
        if selected_shard is not None:
            entries = entries[selected_shard[0]::selected_shard[1]]
        try:
            results = _grade_staged(entries, selected, lang, limits, sandbox, jobs, strict)
        except GradingError as exc:
            raise KldrillError(t("internal_error", lang, detail=exc), exit_code=3) from None
    else:
        path = path if path is not None else "."
        label = str(Path(path).resolve()) if path == "." else path
        try:
            submission = resolve(path)
        except SubmissionError as exc:
            # Still a verdict for the exports: Gradescope shows the student a zero and why, not a crash.
            _export_failure(targets, label, selected, exc.reason(lang), "submission", lang, shown)
            raise KldrillError(t(exc.key, lang, **exc.fields)) from None
        if note := left_out_note(submission.path, lang):  # a notebook's magics and check cells
            click.echo(f"kldrill: {safe_text.text(note)}", err=True)
        live = SingleGradeLine(selected, lang) if sys.stderr.isatty() else None
        try:
            result = run_grade(submission.path, selected, lang=lang, limits=limits, sandbox=sandbox, label=label,
                               strict=strict, written_only=written_only, on_exercise=live and live.finished,
                               on_tick=live and live.draw)
        except GradingError as exc:
            if live is not None:
                live.clear()
            why = t("internal_error", lang, detail=exc)
            _export_failure(targets, label, selected, why, "grading", lang, shown)
            raise KldrillError(why, exit_code=3) from None
        if live is not None:
            live.clear()
        if submission.kind == "workspace":
            try:
                workspace.record_grades(submission.path, {e.name: e.status for e in result.exercises})
            except OSError:
                pass  # a read-only workspace still gets its verdict
        results = [result]
        graded = [e.name for e in result.exercises]
        if graded != selected:
            click.echo(f"kldrill: {t('graded_written', lang, path=safe_text.text(path), names=', '.join(graded), count=len(graded))}",
                       err=True)
            selected = graded
    # Valid UTF-8 and XML, no cursor moves, whatever the submissions' messages and folder names hold.
    results = [safe_text.result(r) for r in results]
    try:
        export_all(results, targets, selected, lang, force, shown, csv_encoding or CSV_ENCODINGS[0])
    except ExportError as exc:
        raise KldrillError(t(exc.key, lang, **exc.fields)) from None
    if batch_dir is not None:
        if as_json:
            click.echo(json.dumps({"submissions": [r.to_json() for r in results]}, ensure_ascii=False))
        else:
            click.echo(report.render_batch(results, selected, lang))
    elif as_json:
        click.echo(json.dumps(results[0].to_json(), ensure_ascii=False))
    else:
        click.echo(report.render(results[0], lang, verbose=verbose))
    raise SystemExit(0 if all(r.all_passed for r in results) else 1)
