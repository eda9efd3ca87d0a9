"""Pieces every kldrill command shares: the --lang and --track options and the one-line error."""

from __future__ import annotations

from typing import Callable, TypeVar

import click

from grader.i18n import LANGS, detect_lang, t

F = TypeVar("F", bound=Callable[..., object])


class KldrillError(click.ClickException):
    """A one-line message and a non-zero exit (2 by default: the user's input was wrong)."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:  # type: ignore[override]
        click.echo(f"kldrill: {self.format_message()}", err=True)


def lang_option(f: F) -> F:
    """--lang en|zh; the default comes from KLDRILL_LANG or the locale."""

    def resolve(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
        return value or detect_lang()

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
                lang = ctx.params.get("lang") or detect_lang()
                raise KldrillError(t("unknown_track", lang, track=track, tracks=", ".join(map(str, known))))
        return tuple(dict.fromkeys(value))

    return click.option("--track", "tracks", type=int, multiple=True, metavar="N", callback=check,
                        help="Only the exercises of track N (repeatable). Default: every track.")(f)


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
            raise KldrillError(t("no_exercise_selected", lang, tracks=", ".join(map(str, tracks))))
    return selected
