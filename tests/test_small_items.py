"""The smaller things a real user ran into (issue 27, item 12): each as the user met it, through the CLI."""

from __future__ import annotations

import csv
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from conftest import SOLUTIONS, kldrill
from grader.reporting.exports import one_line
from grader.reporting.progress import Throughput, status_line


def _stderr_on_a_terminal(args: list[str], cwd: Path, timeout: float = 300) -> tuple[int, str, str]:
    """Run kldrill with its stderr on a pseudo-terminal: (exit status, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "grader", *args], stdout=subprocess.PIPE, stderr=slave,
                            cwd=cwd, env={**os.environ, "KLDRILL_LANG": "en"})
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    code = proc.wait(timeout=60)
    os.close(master)
    return code, out, seen.decode(errors="replace")


def test_verbose_inputs_never_look_equal_when_they_differ(tmp_path: Path) -> None:
    from grader.checks.support import fmt_distinct

    assert fmt_distinct([-0.5, -0.500000001]) == ["-0.5", "-0.500000001"]
    assert fmt_distinct([-1.0, -1.5]) == ["-1", "-1.5"]
    assert fmt_distinct([0.1, 0.1]) == ["0.1", "0.1"]
    (tmp_path / "k1.py").write_text("def k1(log_p, log_q):\n    return log_p - log_q\n")
    out = kldrill("grade", str(tmp_path / "k1.py"), "-e", "k1", "-v").stdout
    # Every line naming inputs that differ shows them differing (the extremes hold log_q = log_p +- 1e-5).
    shown = re.findall(r"\(inputs log_p=([^,]+), log_q=([^)]+)\)", out)
    assert len(shown) > 5 and all(p != q for p, q in shown), shown


def test_a_flood_of_output_says_how_much_was_printed_in_sight(tmp_path: Path) -> None:
    (tmp_path / "loud.py").write_text("import sys\n\ndef k1(log_p, log_q):\n"
                                      "    for i in range(20000):\n        sys.stdout.write(f'line {i}\\n')\n"
                                      "    return log_q - log_p\n")
    out = kldrill("grade", str(tmp_path / "loud.py"), "-e", "k1").stdout
    lines = out[out.index("── what your k1 code printed"):out.index("── end of your output ──")].splitlines()
    assert re.fullmatch(r"  │ … \(truncated: [\d.]+ MiB printed in all, the first 2 KiB kept\)", lines[-1]), lines[-4:]
    assert "more lines" in lines[-2]  # the lines kept but not shown are counted apart


def test_a_gradebook_cell_is_cut_between_words_and_names_no_path_of_ours(tmp_path: Path) -> None:
    text = ("You inverted the ratio: you used q/p (or pi/pi_ref) where r = p/q (r = pi_ref/pi_theta for GRPO). "
            "Samples come from q (from pi_theta), so r puts the sampling distribution in the denominator.")
    cut = one_line(text, 160)
    assert cut.endswith("…") and len(cut) <= 160 and text.startswith(cut[:-1]) and text[len(cut) - 1] == " ", cut
    klass = tmp_path / "week3"
    (klass / "frank").mkdir(parents=True)
    (klass / "alice.py").write_text((SOLUTIONS / "k1.py").read_text())
    kldrill("grade", "--batch", "week3", "-e", "k1", "--csv", "g.csv", cwd=tmp_path)
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8-sig"))}
    assert rows["frank"]["feedback"].startswith("k1: week3/frank holds no .py file"), rows["frank"]
    assert str(tmp_path) not in (tmp_path / "g.csv").read_text(encoding="utf-8-sig")


def test_gradescope_refuses_a_name_that_is_not_a_zip(tmp_path: Path) -> None:
    proc = kldrill("gradescope", str(tmp_path / "ag.tar"))
    assert proc.returncode == 2 and not (tmp_path / "ag.tar").exists()
    assert proc.stderr == f"kldrill: {tmp_path / 'ag.tar'}: the autograder is a zip file (Gradescope takes a .zip): " \
                          "name it ag.zip\n"


def test_a_track_the_workspace_does_not_hold_is_said_as_such(tmp_path: Path) -> None:
    assert kldrill("init", "--track", "1", "ws", cwd=tmp_path).returncode == 0
    proc = kldrill("grade", "--track", "3", cwd=tmp_path / "ws")
    assert proc.returncode == 2
    assert proc.stderr == "kldrill: this workspace holds no exercise of track 3: `kldrill init --track 3 .` adds them\n"
    named = kldrill("grade", "--track", "3", "-e", "k1", cwd=tmp_path / "ws")
    assert "none of the named exercises is in track 3" in named.stderr


def test_the_batch_eta_counts_down_and_a_hang_is_said_as_one() -> None:
    now = [0.0]
    throughput = Throughput(total=4, jobs=1, clock=lambda: now[0])
    for at in (1.0, 2.0, 3.0):
        now[0] = at
        throughput.finished()
    assert throughput.eta() == 1.0  # one left, a second each
    now[0] = 3.6
    assert abs(throughput.eta() - 0.4) < 1e-9 and not throughput.stalled()  # counted down, not frozen
    now[0] = 9.0  # the last one hangs
    assert throughput.eta() is None and throughput.stalled()
    assert status_line(None, "c/d.py", "en", stalled_for=2.0) == \
        "waiting on a slow submission (a call is stopped after 2 s)  c/d.py"


def test_the_progress_bar_shows_a_hang_while_it_lasts(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    klass.mkdir()
    for name in ("a", "b", "c"):
        (klass / f"{name}.py").write_text((SOLUTIONS / "k1.py").read_text())
    (klass / "d.py").write_text("def k1(log_p, log_q):\n    while True:\n        pass\n")
    code, out, terminal = _stderr_on_a_terminal(["grade", "--batch", str(klass), "-e", "k1", "--jobs", "1",
                                                 "--timeout", "4"], tmp_path)
    assert code == 1 and "d.py" in out
    assert "waiting on a slow submission (a call is stopped after 4 s)" in terminal, terminal[-3000:]


def test_a_single_grade_shows_its_progress_at_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "k.py").write_text((SOLUTIONS / "k1.py").read_text() + "\n" + (SOLUTIONS / "k2.py").read_text())
    code, out, terminal = _stderr_on_a_terminal(["grade", str(tmp_path / "k.py"), "--track", "1"], tmp_path)
    assert "grading: 0/5 exercises done, now k1 (0:0" in terminal, terminal[-2000:]
    # The missing ones are known at once; then k1 and k2 are graded, one after the other.
    assert "grading: 3/5 exercises done, now k1" in terminal and "grading: 4/5 exercises done, now k2" in terminal
    assert re.search(r"grading: 5/5 exercises done \(0:\d\d\)", terminal)
    assert terminal.endswith("\r\x1b[K")  # cleared before the report
    assert "grading:" not in out  # only on the terminal, never in the report


def test_a_missing_class_is_called_a_class(tmp_path: Path) -> None:
    (tmp_path / "k.py").write_text((SOLUTIONS / "k1.py").read_text())
    out = kldrill("grade", str(tmp_path / "k.py"), "-e", "adaptive_kl_controller").stdout
    assert "adaptive_kl_controller: no class AdaptiveKLController in the submission" in out, out
    assert "no function AdaptiveKLController" not in out


def test_a_syntax_error_shows_the_line_and_a_caret(tmp_path: Path) -> None:
    (tmp_path / "k.py").write_text("import torch\n\n\ndef k1(log_p, log_q):\n    return (log_q - log_p\n")
    out = kldrill("grade", str(tmp_path / "k.py"), "-e", "k1").stdout
    assert "k1 · import: it raised SyntaxError: '(' was never closed (k.py:5)\n" \
           "    return (log_q - log_p\n" \
           "           ^\n" in out, out
    # On the gradebook's one line, the caret would point nowhere: the line at fault stays, the caret goes.
    assert one_line("it raised SyntaxError: '(' was never closed (k.py:5)\n    return (log_q - log_p\n"
                    "           ^", 400) == "it raised SyntaxError: '(' was never closed (k.py:5) return (log_q - log_p"
