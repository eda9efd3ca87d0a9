from __future__ import annotations

from pathlib import Path

import click

from grader import exercises
from grader.reporting import style, table
from grader.learner import workspace
from grader.cli.common import Command, KldrillError, lang_option
from grader.i18n import pick, t


@click.command("list", cls=Command)
@click.option("--workspace", "directory", default=".", type=click.Path(file_okay=False),
              help="The workspace to report on (default: the current folder).")
@lang_option
def list_exercises(directory: str, lang: str) -> None:
    """List the exercises, their last known status, and what to do next."""
    path = Path(directory)
    if not workspace.is_workspace(path):  # rows of "not graded yet" would read as a workspace's
        raise KldrillError(t("list_no_workspace", lang, path=directory))
    known, closed = workspace.statuses(path), workspace.closed_book(path)

    def status(name: str) -> str:
        state = known.get(name, "pending")
        shown = style.status(t(f"status_{state}", lang), state)
        return t("held_closed_book", lang, status=shown) if name in closed else shown

    header = [t("col_exercise", lang), t("col_file", lang), t("col_status", lang), t("col_title", lang)]
    held = set(workspace.held(path))
    shown = [track for track in exercises.tracks()
             if any(e.track == track and e.name in held for e in exercises.all_exercises())]
    for n, track in enumerate(shown):  # one table per track the workspace holds, in the metadata's order
        rows = [[e.name, e.file, status(e.name), pick(exercises.title(e, e.name in closed), lang)]
                for e in exercises.all_exercises() if e.track == track]
        if n:
            click.echo()
        click.echo(style.bold(pick(exercises.track_title(track), lang)))
        click.echo(table.render(header, rows))
    others = [str(track) for track in exercises.tracks() if track not in shown]
    if others:
        click.echo()
        click.echo(t("list_other_tracks", lang, tracks=", ".join(f"track {n}" for n in others),
                     tracks_zh="、".join(f"第 {n} 部分" for n in others), first=others[0], path=directory))
    nxt = workspace.next_exercise(path)
    click.echo()
    click.echo(t("list_next", lang, name=nxt.name, file=nxt.file) if nxt else t("list_done", lang))
