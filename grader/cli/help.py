"""Help in the reader's language: `kldrill --help` and `kldrill <command> --help` in English or Chinese.

The English is click's own, from the code (docstrings, help=); the Chinese, and the command list's
one-line summaries, are data (grader/data/help.yaml). The language is the last `--lang` on the command
line, wherever it stands (`kldrill grade --help --lang zh`: --help acts as soon as it is parsed, before
--lang would be), else the locale's (grader.i18n.detect_lang).

Chinese help is laid out by display width: click's wrapping counts characters, and a Chinese
character takes two columns.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from functools import lru_cache
from typing import Any, Iterable, Sequence

import click

from grader.i18n import LANG_KEY, LANGS, detect_lang


# What may follow a break: a Chinese character, or a word of other text with its trailing spaces.
# Closing punctuation sticks to what it follows, opening punctuation to what follows it.
_CLOSE = "，。、；：？！）》」』…"
_OPEN = "（《「『"
# A pattern string, compiled on first use by re's cache: compiling it at import cost --help 1 ms.
_UNIT = rf"[{_OPEN}]*(?:[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+)[{_CLOSE}]*\s*"


def scan_lang(args: Sequence[str]) -> str | None:
    """The value of the last `--lang X` or `--lang=X` in ``args`` (before any `--`), if it is a language."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else (
            arg[len("--lang="):] if arg.startswith("--lang=") else None)
        if value in LANGS:
            found = value
    return found


def remember_lang(ctx: click.Context, args: Sequence[str]) -> None:
    """Note the --lang of the command line in ``ctx`` before click parses it (and acts on --help)."""
    lang = scan_lang(args)
    if lang is not None:
        ctx.meta[LANG_KEY] = lang


def lang_of(ctx: click.Context | None) -> str:
    """The language this invocation speaks: its --lang, else the locale's."""
    return (ctx.meta.get(LANG_KEY) if ctx is not None else None) or detect_lang()


@lru_cache(maxsize=None)
def data() -> dict[str, Any]:
    from grader import datafile

    return datafile.load(datafile.package("help.yaml"))


def _text(entry: dict[str, str] | None, lang: str) -> str | None:
    return None if entry is None else entry.get(lang)


def heading(key: str, lang: str) -> str:
    return data()["headings"][key][lang]


def summary(command: str, lang: str) -> str:
    """The command's line in `kldrill --help`."""
    return data()["commands"][command]["summary"][lang]


def option_key(param: click.Parameter) -> str:
    """How help.yaml names an option: its first long name (`--exercise` for `-e/--exercise`)."""
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


def option_help(command: str, param: click.Parameter, lang: str) -> str | None:
    """The option's help in ``lang`` from help.yaml: the command's own entry, else the shared one."""
    key = option_key(param)
    own = data()["commands"].get(command, {}).get("options", {})
    return _text(own.get(key) or data()["shared"].get(key), lang)


def command_help(command: str, lang: str) -> str | None:
    text = _text(data()["commands"].get(command, {}).get("help"), lang)
    # YAML has no backspace: a line holding just `\b` is click's "keep these line breaks" mark.
    return None if text is None else re.sub(r"^\\b$", "\b", text, flags=re.MULTILINE)


def width(text: str) -> int:
    from grader.reporting.table import width as table_width

    return table_width(text)


def wrap(text: str, columns: int, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` in lines of at most ``columns`` display columns (a longer word stays whole).

    Paragraphs are separated by blank lines; one whose first line is a backspace keeps its lines as written.
    """
    out: list[str] = []
    for n, paragraph in enumerate(re.split(r"\n\s*\n", text.strip("\n"))):
        if n:
            out.append("")
        if paragraph.startswith("\b"):
            out += [indent + line for line in paragraph.split("\n")[1:]]
            continue
        lead = indent if first is None or out else first
        line = lead
        for unit in re.findall(_UNIT, " ".join(paragraph.split())):
            if line.strip() and width(line + unit.rstrip()) > columns:
                out.append(line.rstrip())
                line = indent
            line += unit
        out.append(line.rstrip())
    return out


def help_width(ctx: click.Context) -> int:
    """The width click's formatter would choose, found without importing shutil (2 ms of start-up)."""
    from click import formatting

    if ctx.terminal_width is not None or formatting.FORCED_WIDTH is not None:
        return ctx.terminal_width or formatting.FORCED_WIDTH  # type: ignore[return-value]
    try:  # as shutil.get_terminal_size: $COLUMNS, else the terminal, else 80
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns, ctx.max_content_width or 80) - 2, 50)


class Formatter(click.HelpFormatter):
    """click's help formatter, measuring by display width and with Chinese headings."""

    def __init__(self, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=prefix or heading("usage", self.lang))  # "：" has its own space

    def write_heading(self, heading_text: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading_text}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write("\n".join(wrap(text, self.width, indent)) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max(width(r[0]) for r in rows), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        for term, text in rows:
            head = " " * self.current_indent + term
            if width(term) > first_col - col_spacing:
                self.write(head + "\n")
                head = pad
            else:
                head += " " * (first_col - width(term))
            lines = wrap(text, self.width, pad, first=head) if text else [head.rstrip()]
            self.write("\n".join(lines) + "\n")


class Localized:
    """Mixed into kldrill's click commands and group: help and usage in the invocation's language."""

    name: str | None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        remember_lang(ctx, args)
        return super().parse_args(ctx, args)  # type: ignore[misc]

    def _key(self, ctx: click.Context) -> str:
        return "kldrill" if ctx.parent is None and isinstance(self, click.Group) else str(self.name)

    def _formatter(self, ctx: click.Context) -> click.HelpFormatter:
        lang, columns = lang_of(ctx), help_width(ctx)
        if lang == "en":
            return ctx.formatter_class(width=columns, max_width=ctx.max_content_width)
        return Formatter(lang, width=columns, max_width=ctx.max_content_width)

    def get_help(self, ctx: click.Context) -> str:
        formatter = self._formatter(ctx)
        self.format_help(ctx, formatter)  # type: ignore[attr-defined]
        return formatter.getvalue().rstrip("\n")

    def get_usage(self, ctx: click.Context) -> str:
        formatter = self._formatter(ctx)
        self.format_usage(ctx, formatter)  # type: ignore[attr-defined]
        return formatter.getvalue().rstrip("\n")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = command_help(self._key(ctx), lang_of(ctx)) if lang_of(ctx) != "en" else None
        if text is None:
            super().format_help_text(ctx, formatter)  # type: ignore[misc]
            return
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(inspect.cleandoc(text))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = lang_of(ctx)
        if lang == "en":
            super().format_options(ctx, formatter)  # type: ignore[misc]
            return
        rows = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is not None and isinstance(param, click.Option):
                rows.append((record[0], _with_extra(option_help(self._key(ctx), param, lang) or "", param, ctx, lang)))
        if rows:
            with formatter.section(heading("options", lang)):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


def _with_extra(text: str, param: click.Option, ctx: click.Context, lang: str) -> str:
    """The option's help followed by click's [default: ...; range; required], in ``lang``."""
    extra = param.get_help_extra(ctx)
    items = []
    if "envvars" in extra:
        items.append(heading("envvar", lang).format(var=", ".join(extra["envvars"])))
    if "default" in extra:
        items.append(heading("default", lang).format(default=extra["default"]))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(heading("required", lang))
    return f"{text}  [{'；'.join(items)}]" if items else text
