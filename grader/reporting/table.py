"""Plain-text tables that line up in a terminal, Chinese (double-width) text and coloured cells included."""

from __future__ import annotations

import re
import unicodedata

_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # click.style's codes take no room on the screen


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in _STYLE.sub("", text))


def render(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c) + " " * (w - width(str(c))) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])
