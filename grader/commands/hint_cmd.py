from __future__ import annotations

from pathlib import Path

import click

from grader import exercises, workspace
from grader.cli_common import KldrillError, lang_option
from grader.i18n import pick, t


@click.command()
@click.argument("exercise")
@click.option("--level", type=click.IntRange(1, 3), default=None,
              help="Show hints up to this level (1 nudge, 2 key identity, 3 nearly the code).")
@lang_option
def hint(exercise: str, level: int | None, lang: str) -> None:
    """Show the next hint for EXERCISE; asking again reveals the next level."""
    try:
        meta = exercises.get(exercise)
    except KeyError:
        raise KldrillError(t("unknown_exercise", lang, name=exercise,
                             names=", ".join(exercises.names()))) from None
    here = Path(".")
    in_workspace = workspace.is_workspace(here)
    state = workspace.load_state(here) if in_workspace else {}
    seen = state.get("hints", {}).get(exercise, 0)
    shown = level or min(seen + 1, len(meta.hints))
    for i, h in enumerate(meta.hints[:shown], start=1):
        click.echo(t("hint_line", lang, name=exercise, level=i, total=len(meta.hints), text=pick(h, lang)))
    if shown < len(meta.hints):
        click.echo(t("hint_more", lang, name=exercise))
    if in_workspace and shown > seen:
        state.setdefault("hints", {})[exercise] = shown
        workspace.save_state(here, state)
