from __future__ import annotations

from pathlib import Path

import click

from grader import exercises
from grader.learner import workspace
from grader.cli.common import Command, KldrillError, lang_option
from grader.i18n import pick, t


@click.command(cls=Command)
@click.argument("exercise", required=False)
@click.option("--level", type=click.IntRange(1, 3), default=None,
              help="Show hints up to this level (1 nudge, 2 key identity, 3 nearly the code).")
@lang_option
def hint(exercise: str | None, level: int | None, lang: str) -> None:
    """Show the next hint for EXERCISE (default: the workspace's current exercise, the first one not
    passed yet); asking again reveals the next level."""
    if exercise is None:
        exercise = _current(lang)
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
    else:
        click.echo(t("hint_no_more", lang, name=exercise, total=len(meta.hints)))
    if in_workspace and shown > seen:
        # Hints used are part of the learner's record (the interview's scorecard reads them).
        state.setdefault("hints", {})[exercise] = shown
        workspace.save_state_or_tell(here, state)  # a read-only workspace still gets its hint


def _current(lang: str) -> str:
    """The exercise a bare `kldrill hint` is about: the first one not passed in this workspace."""
    here = Path(".")
    if not workspace.is_workspace(here):
        raise KldrillError(t("hint_needs_name", lang, names=", ".join(exercises.names())))
    nxt = workspace.next_exercise(here)
    if nxt is None:
        raise KldrillError(t("hint_all_passed", lang, names=", ".join(exercises.names())), exit_code=1)
    return nxt.name
