"""Colour at a terminal, through click's styles: verdicts in green, red and yellow, the rest plain.

Whether to colour: --color/--no-color if given, else KLDRILL_COLOR (always/never), else none when
NO_COLOR is set to anything (https://no-color.org) or TERM is dumb (such a terminal prints the codes
as text), else colour only where the output is a terminal.
The answer is kept as the click context's ``color``, which click.echo also obeys (it strips styles from
output that goes to a pipe or a file); text written some other way asks ``enabled()`` first.
"""

from __future__ import annotations

import os
import sys
from typing import Mapping, TextIO

import click

_ON = ("1", "always", "yes", "true", "on", "force")
_OFF = ("0", "never", "no", "false", "off")

# How a status reads at a glance: a pass, a failure, and what stopped grading (an error, no function).
STATUS_COLOURS = {"passed": "green", "fixed": "green", "failed": "red", "not_fixed": "red", "failing": "red",
                  "error": "yellow", "missing": "yellow", "other_mistake": "yellow"}


def from_environment(environ: Mapping[str, str] | None = None) -> bool | None:
    """True or False where the environment decides, None where the terminal should."""
    env = os.environ if environ is None else environ
    forced = env.get("KLDRILL_COLOR", "").strip().lower()
    if forced in _ON:
        return True
    if forced in _OFF:
        return False
    return False if env.get("NO_COLOR") or env.get("TERM") == "dumb" else None


def resolve(ctx: click.Context, flag: bool | None) -> None:
    """Settle ``ctx.color`` from --color/--no-color (``flag``), what the group said, and the environment."""
    if flag is not None:
        ctx.color = flag
    elif ctx.color is None:  # a command's context starts from its group's
        ctx.color = from_environment()


def enabled(stream: TextIO | None = None) -> bool:
    """Whether text written to ``stream`` (stdout by default) should carry colour."""
    ctx = click.get_current_context(silent=True)
    decided = ctx.color if ctx is not None and ctx.color is not None else from_environment()
    if decided is not None:
        return decided
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def paint(text: str, **style: object) -> str:
    """``text`` with click.style's ``style`` where colour is on, unchanged elsewhere."""
    return click.style(text, **style) if enabled() and text else text  # type: ignore[arg-type]


def status(text: str, status_name: str) -> str:
    """A status word (``text``) coloured by what it means (``status_name``: passed, failed, ...)."""
    colour = STATUS_COLOURS.get(status_name)
    return paint(text, fg=colour) if colour else text


def bold(text: str) -> str:
    return paint(text, bold=True)


def dim(text: str) -> str:
    return paint(text, dim=True)


def good(text: str) -> str:
    return paint(text, fg="green")


def bad(text: str) -> str:
    return paint(text, fg="red")
