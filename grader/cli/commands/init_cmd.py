from __future__ import annotations

from pathlib import Path

import click

from grader.learner import workspace
from grader.cli.common import Command, KldrillError, lang_option, track_option
from grader.i18n import t


@click.command(cls=Command)
@click.argument("directory", default="kl-drill-workspace", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite exercise files that are already there.")
@click.option("--closed-book", is_flag=True,
              help="Stubs without the formula: the contract says what to compute, not how (hints still unlock it).")
@click.option("--notebook", is_flag=True,
              help="Create a practice notebook (kl-drill.ipynb: each exercise's contract, stub and check cell) instead.")
@track_option
@lang_option
def init(directory: str, force: bool, closed_book: bool, notebook: bool, tracks: tuple[int, ...], lang: str) -> None:
    """Copy the exercise stubs into a new workspace DIRECTORY (default: kl-drill-workspace)."""
    if notebook:
        _init_notebook(Path(directory), force, closed_book, lang)
        return
    backups: list[Path] = []
    try:
        written = workspace.init(Path(directory), force=force, closed_book=closed_book, backups=backups,
                                 tracks=tracks)
    except workspace.WorkspaceExists as exc:
        raise KldrillError(t("init_exists", lang, path=directory, files=", ".join(exc.files))) from None
    except OSError as exc:
        raise KldrillError(t("path_error", lang, path=directory, reason=exc)) from None
    click.echo(t("init_done_closed_book" if closed_book else "init_done", lang, path=directory, count=len(written),
                 next=_next_command(Path(directory))))
    if backups:
        click.echo(t("init_backed_up", lang, count=len(backups), folder=Path(directory) / workspace.BACKUP_DIR))


def _next_command(directory: Path) -> str:
    """What to type next: `kldrill grade`, after a `cd` into the workspace unless it is here already."""
    import shlex

    if directory.resolve() == Path.cwd().resolve():
        return "kldrill grade"
    return f"cd {shlex.quote(str(directory))} && kldrill grade"


def _init_notebook(directory: Path, force: bool, closed_book: bool, lang: str) -> None:
    from grader.notebook.practice import write

    try:
        path = write(directory, closed_book, lang, force=force)
    except FileExistsError:
        raise KldrillError(t("init_notebook_exists", lang, path=directory / "kl-drill.ipynb")) from None
    except OSError as exc:
        raise KldrillError(t("path_error", lang, path=directory, reason=exc)) from None
    click.echo(t("init_notebook_done", lang, path=path))
