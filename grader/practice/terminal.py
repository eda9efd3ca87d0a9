"""The interview's input and output: typed commands while the learner edits, then quiz answers.

One line reader over the input's file descriptor serves both, so nothing typed is lost between a
buffered reader and ``select``. A terminal gets a live clock on one line, rewritten in place; a pipe
(a script, a test) gets plain lines, each answer echoed so the transcript reads well.
"""

from __future__ import annotations

import os
import select
import sys
from typing import Callable, TextIO

EOF_MARK = object()  # what poll returns once the input has ended


class LineInput:
    """Lines from a file descriptor, without blocking when asked to poll."""

    def __init__(self, fd: int) -> None:
        self._fd, self._buffer, self._ended = fd, b"", False

    def _take_line(self) -> str | None:
        if b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            return line.decode("utf-8", "replace").rstrip("\r")
        if self._ended and self._buffer:
            line, self._buffer = self._buffer, b""
            return line.decode("utf-8", "replace")
        return None

    def poll(self, timeout: float) -> str | object | None:
        """A complete line typed within ``timeout`` seconds, EOF_MARK at the end of input, else None."""
        line = self._take_line()
        if line is not None:
            return line
        if self._ended:
            return EOF_MARK
        ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
        if ready:
            chunk = os.read(self._fd, 4096)
            if not chunk:
                self._ended = True
            self._buffer += chunk
        line = self._take_line()
        if line is not None:
            return line
        return EOF_MARK if self._ended else None

    def readline(self) -> str | None:
        """The next line, waiting for it; None at the end of input."""
        while True:
            got = self.poll(3600.0)
            if got is EOF_MARK:
                return None
            if got is not None:
                return got  # type: ignore[return-value]


class InterviewIO:
    """Output lines, a live status line on a terminal, and the reads the quiz needs (QuizIO)."""

    def __init__(self, lines: LineInput, out: TextIO | None = None, interactive: bool | None = None) -> None:
        self.lines = lines
        self._out = out or sys.stdout
        self.interactive = self._out.isatty() if interactive is None else interactive
        self._status_shown = False

    def _clear_status(self) -> None:
        if self._status_shown:
            self._out.write("\r\x1b[K")
            self._status_shown = False

    def write(self, text: str = "") -> None:
        self._clear_status()
        self._out.write(text + "\n")
        self._out.flush()

    def status(self, text: str) -> None:
        """Show ``text`` on the status line (a terminal only: a pipe would fill with clock ticks)."""
        if not self.interactive:
            return
        self._out.write("\r\x1b[K" + text)
        self._out.flush()
        self._status_shown = True

    def read(self, prompt: str) -> str | None:
        self._clear_status()
        self._out.write(prompt)
        self._out.flush()
        line = self.lines.readline()
        if not self.interactive:
            self._out.write((line or "") + "\n")  # echo: the terminal does it for a person
            self._out.flush()
        return line
