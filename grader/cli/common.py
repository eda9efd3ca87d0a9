"""Pieces every kldrill command shares: the command class (help in the reader's language, --color),
the --lang and --track options and the one-line error."""

from __future__ import annotations

from typing import Callable, TypeVar

import click

from grader.cli.help import LANG_KEY, Localized, lang_of
from grader.i18n import LANGS, t

F = TypeVar("F", bound=Callable[..., object])


class KldrillError(click.ClickException):
    """A one-line message and a non-zero exit (2 by default: the user's input was wrong)."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:  # type: ignore[override]
        from grader.judging.safe_text import text  # a path in the message may hold any byte

        click.echo(f"kldrill: {text(self.format_message())}", err=True)


class Interrupted(KldrillError):
    """Ctrl-C: one line in the invocation's language on stderr, and the shell's exit status for it
    (128 + SIGINT). Raised by the command group for any command, or by a command that first shows
    what was done (the interview's partial scorecard)."""

    def __init__(self, lang: str) -> None:
        super().__init__(t("interrupted", lang), exit_code=130)

    def show(self, file=None) -> None:  # type: ignore[override]
        click.echo(err=True)  # off the line the ^C was echoed on
        super().show(file)


def _color(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    from grader.reporting import style

    style.resolve(ctx, value)


def color_option() -> click.Option:
    """--color/--no-color: force colour on or off (else KLDRILL_COLOR, NO_COLOR, then: is it a terminal?)."""
    return click.Option(["--color/--no-color"], default=None, expose_value=False, is_eager=True, callback=_color,
                        help="Colour the output (--color) or not (--no-color). Default: colour at a terminal, "
                        "none in a pipe, a file or with NO_COLOR set; KLDRILL_COLOR=always or never also works.")


class Command(Localized, click.Command):
    """A kldrill command (`@click.command(cls=Command)`): its help in the reader's language, and --color."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.params.append(color_option())


def lang_option(f: F) -> F:
    """--lang en|zh; the default comes from a --lang before the command (`kldrill --lang zh grade`),
    KLDRILL_LANG or the locale."""

    def resolve(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
        if value is not None:
            ctx.meta[LANG_KEY] = value
        return lang_of(ctx)

    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default=None,
        callback=resolve,
        is_eager=True,  # resolved before the other options, so their errors (an unknown --track) can use it
        help="Language of the output: en or zh (default: from the locale).",
    )(f)


def track_option(f: F) -> F:
    """--track N (repeatable): only that track's exercises; unknown tracks are a usage error."""

    def check(ctx: click.Context, param: click.Parameter, value: tuple[int, ...]) -> tuple[int, ...]:
        from grader import exercises

        known = exercises.tracks()
        for track in value:
            if track not in known:
                lang = lang_of(ctx)
                raise KldrillError(t("unknown_track", lang, track=track, tracks=", ".join(map(str, known))))
        return tuple(dict.fromkeys(value))

    return click.option("--track", "tracks", type=int, multiple=True, metavar="N", callback=check,
                        help="Only the exercises of track N (repeatable). Default: every track.")(f)


def strict_option(f: F) -> F:
    """--strict: all or nothing per exercise, conventions included (the default credits right maths)."""
    return click.option("--strict", is_flag=True,
                        help="All or nothing: an exercise passes only if every check passes, conventions "
                        "(dtype, precision, empty batches, clamps, error messages...) included. Default: "
                        "right maths passes and earns 80% of the marks; each convention met adds its share.")(f)


def select_exercises(names: tuple[str, ...], tracks: tuple[int, ...], lang: str, default: list[str] | None = None
                     ) -> list[str]:
    """The exercises named by -e (all of ``default``, else every exercise, when none is), narrowed by
    --track (-e NAME --track N keeps the named ones of track N); an unknown name or an empty selection
    is a usage error."""
    from grader import exercises

    for name in names:
        if name not in exercises.names():
            raise KldrillError(t("unknown_exercise", lang, name=name, names=", ".join(exercises.names())))
    selected = list(dict.fromkeys(names)) or list(default or exercises.names())
    if tracks:
        selected = [n for n in selected if exercises.get(n).track in tracks]
        if not selected:
            shown = ", ".join(map(str, tracks))
            if names:
                raise KldrillError(t("no_exercise_selected", lang, tracks=shown))
            # None named: the workspace's exercises were the default, and it holds none of those tracks.
            raise KldrillError(t("no_exercise_in_workspace", lang, tracks=shown, track=tracks[0]))
    return selected
