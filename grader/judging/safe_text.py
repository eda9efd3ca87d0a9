"""Text a submission controls, made safe for wherever a verdict goes: a terminal, XML, CSV, JSON.

What a submission controls: its exception messages, what it prints, its file and folder names (a
folder name may hold any byte but ``/`` and NUL; ``os.listdir`` hands back an undecodable byte as a
lone surrogate). ``text`` turns any such string into one that is valid Unicode (so valid UTF-8 once
encoded, and valid in JSON), holds no character XML 1.0 forbids, and moves no cursor: control
characters (ESC, a bare carriage return, NUL, C1), bidirectional overrides and lone surrogates are
shown escaped (``\\x1b``, ``\\u202e``), never obeyed. ``result`` applies it to every string of a verdict;
every export and the terminal report call it first. ``csv_cell`` also keeps a spreadsheet from running
a cell as a formula. No torch here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from grader.judging.results import Check, ExerciseResult, GradeResult

# Everything that is not shown as itself: C0 controls but tab and line feed (a carriage return is a
# line break, see below), DEL and C1, the bidirectional marks, overrides and isolates ("Trojan Source"),
# the line and paragraph separators, surrogates (never valid on their own) and U+FFFE/U+FFFF.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return "\ufffd"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def text(value: Any) -> str:
    """``value`` as safe text (see the module's docstring); line breaks stay line breaks. Idempotent."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub(_escape, value) if _UNSAFE.search(value) else value


# A cell starting with one of these is a formula (or a command) to Excel, LibreOffice or Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> str:
    """A text cell for a CSV file: safe text, and a leading apostrophe where a spreadsheet would
    otherwise evaluate it (leading spaces do not stop LibreOffice). Line breaks stay, to be quoted by
    the writer (``csv_writer``)."""
    cleaned = text(value)
    return "'" + cleaned if cleaned.lstrip(" ").startswith(_FORMULA_START) else cleaned


def data(value: Any) -> Any:
    """A JSON-able document with every string in it (keys included) made safe text."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return {text(k) if isinstance(k, str) else k: data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [data(v) for v in value]
    return value


def result(graded: GradeResult) -> GradeResult:
    """A copy of ``graded`` with every string safe text: the submission's name, each check's name and
    message and notes, the diagnosis, the output, the conventions' messages."""
    def check(c: Check) -> Check:
        return replace(c, name=text(c.name), message=text(c.message),
                       notes={text(k): text(v) for k, v in c.notes.items()})

    def exercise(e: ExerciseResult) -> ExerciseResult:
        return replace(e, name=text(e.name), checks=[check(c) for c in e.checks],
                       diagnosis=data(e.diagnosis) if e.diagnosis is not None else None, output=text(e.output),
                       conventions=[replace(c, message=text(c.message)) for c in e.conventions])

    return replace(graded, submission=text(graded.submission), exercises=[exercise(e) for e in graded.exercises])
