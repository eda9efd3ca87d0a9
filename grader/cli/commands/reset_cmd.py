"""kldrill reset: put one exercise's stub back, the learner's file kept as a backup first."""

from __future__ import annotations

from pathlib import Path

import click

from grader import exercises
from grader.learner import workspace
from grader.cli.common import Command, KldrillError, lang_option
from grader.i18n import t


@click.command(cls=Command)
@click.argument("exercise")
@click.argument("directory", default=".", required=False, type=click.Path(file_okay=False))
@lang_option
def reset(exercise: str, directory: str, lang: str) -> None:
    """Restore EXERCISE's stub in the workspace DIRECTORY (default: the current folder).

    Your file is first copied to DIRECTORY/.kldrill-backups/ (an earlier backup is never overwritten),
    and the exercise's last verdict is forgotten, so `kldrill list` shows it as not graded yet.
    """
    try:
        meta = exercises.get(exercise)
    except KeyError:
        raise KldrillError(t("unknown_exercise", lang, name=exercise,
                             names=", ".join(exercises.names()))) from None
    path = Path(directory)
    if not path.is_dir() or not workspace.is_workspace(path):
        raise KldrillError(t("no_workspace", lang, path=directory))
    try:
        kept = workspace.reset(path, exercise)
    except OSError as exc:
        raise KldrillError(t("reset_failed", lang, path=path / meta.file, reason=exc)) from None
    if kept is not None:
        click.echo(t("reset_backed_up", lang, file=meta.file, backup=kept))
    click.echo(t("reset_done", lang, name=exercise, file=path / meta.file))
