"""Colour at a terminal only: none in a pipe or a file, none with NO_COLOR, forced with --color."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import click
import pytest

from grader.reporting import report, style
from grader.learner import workspace
from grader.judging.results import Check, ExerciseResult, GradeResult

ESC = "\x1b["
GREEN, RED, YELLOW = "\x1b[32m", "\x1b[31m", "\x1b[33m"
PLAIN_ENV = {**{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "KLDRILL_COLOR")},
             "TERM": "xterm-256color"}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("color") / "ws"
    subprocess.run([sys.executable, "-m", "grader", "init", str(folder)], check=True, capture_output=True)
    workspace.record_grades(folder, {"k1": "passed", "k2": "failed", "k3": "error"})
    return folder


def kldrill(*args: str, cwd: Path, tty: bool = False, **env: str) -> str:
    """kldrill's stdout, written to a pipe or (tty=True) to a pseudo-terminal."""
    command = [sys.executable, "-m", "grader", *args]
    environ = {**PLAIN_ENV, **env}
    if not tty:
        return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=environ).stdout
    main, child = pty.openpty()
    proc = subprocess.Popen(command, stdout=child, stderr=subprocess.DEVNULL, cwd=cwd, env=environ)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait()
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_pipe_gets_no_escape_codes(ws: Path) -> None:
    assert ESC not in kldrill("list", cwd=ws)
    assert ESC not in kldrill("list", "--lang", "zh", cwd=ws)


def test_a_terminal_gets_colour_and_no_color_takes_it_away(ws: Path) -> None:
    shown = kldrill("list", cwd=ws, tty=True)
    assert GREEN + "passed" in shown and RED + "failed" in shown and YELLOW + "error" in shown
    assert ESC not in kldrill("list", cwd=ws, tty=True, NO_COLOR="1")  # NO_COLOR wins over a terminal
    assert ESC not in kldrill("list", "--no-color", cwd=ws, tty=True)
    assert ESC not in kldrill("list", cwd=ws, tty=True, KLDRILL_COLOR="never")
    assert ESC not in kldrill("list", cwd=ws, tty=True, TERM="dumb")  # it would print the codes as text


def test_colour_can_be_forced_into_a_pipe(ws: Path) -> None:
    for args, env in ((["list", "--color"], {}), (["--color", "list"], {}), (["list"], {"KLDRILL_COLOR": "always"}),
                      (["list", "--color"], {"NO_COLOR": "1"})):  # an explicit --color beats NO_COLOR
        out = kldrill(*args, cwd=ws, **env)
        assert GREEN + "passed" in out and RED + "failed" in out, (args, env)
    assert GREEN + "通过" in kldrill("list", "--color", "--lang", "zh", cwd=ws)


def test_coloured_tables_still_line_up() -> None:
    result = GradeResult("ws", [ExerciseResult("k1", "passed", 1, [Check("a", True)]),
                                ExerciseResult("grpo_kl", "failed", 1, [Check("a", False, "wrong")])])
    with click.Context(click.Command("grade"), color=True):
        coloured = report.render(result, "en")
    plain = report.render(result, "en")
    assert ESC in coloured and ESC not in plain
    assert click.unstyle(coloured) == plain  # the same text and layout, colour aside


def test_colour_follows_the_context_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("KLDRILL_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert style.from_environment() is None
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: no-color.org says it does not count
    assert style.from_environment() is None
    monkeypatch.setenv("NO_COLOR", "0")  # any other value does
    assert style.from_environment() is False
    monkeypatch.setenv("KLDRILL_COLOR", "always")
    assert style.from_environment() is True
    with click.Context(click.Command("x"), color=False):
        assert style.paint("x", fg="red") == "x"
