"""kldrill gradescope: build the autograder zip an instructor uploads to Gradescope (grader/reporting/gradescope.py)."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli.common import Command, KldrillError, lang_option, select_exercises, strict_option, track_option
from grader.reporting.exports import VISIBILITIES
from grader.i18n import t
from grader.isolation.limits import Limits


@click.command(cls=Command)
@click.argument("out", metavar="OUT.zip")
@click.option("--exercise", "-e", "names", multiple=True, metavar="NAME",
              help="Grade this exercise (repeatable). Default: all (of the --track given).")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default="visible", show_default=True,
              help="When students see their results (Gradescope's test visibility).")
@click.option("--stdout-visibility", type=click.Choice(VISIBILITIES), default="hidden", show_default=True,
              help="When students see the autograder's log (kldrill's report).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=Limits.call_timeout, show_default=True,
              help="Seconds one call of a student's code may take.")
@click.option("--force", is_flag=True, help="Overwrite OUT.zip if it exists.")
@strict_option
@track_option
@lang_option
def gradescope(out: str, names: tuple[str, ...], visibility: str, stdout_visibility: str, timeout: float,
               force: bool, strict: bool, tracks: tuple[int, ...], lang: str) -> None:
    """Build OUT.zip, the autograder to upload on a Gradescope assignment's "Configure Autograder" page:
    setup.sh, run_autograder and kl-drill itself, set to grade the chosen exercises and to write the
    results in --lang. Each student's upload is graded whatever its files are called.
    """
    from grader.reporting.gradescope import GradescopeError, Settings, build, describe

    if not out.lower().endswith(".zip"):  # Gradescope takes a zip: a zip named .tar would mislead everyone
        from grader.intake.archives import stem

        name = Path(out).name
        base = stem(name) if stem(name) != name else Path(out).stem
        raise KldrillError(t("gradescope_not_zip", lang, path=out, suggestion=f"{base or 'autograder'}.zip"))
    settings = Settings(tuple(select_exercises(names, tracks, lang)), lang, visibility, stdout_visibility, timeout,
                        strict)
    try:
        build(Path(out), settings, force)
    except GradescopeError as exc:
        raise KldrillError(t(exc.key, lang, **exc.fields)) from None
    click.echo(t("gradescope_built", lang, path=out, exercises=describe(settings, lang), language=lang,
                 visibility=visibility, stdout=stdout_visibility,
                 grading=t("gradescope_strict" if strict else "gradescope_fair", lang)))
