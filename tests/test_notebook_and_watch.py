"""The practice loop: check() from a notebook, and kldrill watch re-grading on save."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import SOLUTIONS, kldrill
from grader import check
from grader.notebook import NotebookError


def helper_log_ratio(a, b):
    return a - b


def my_k3(log_p, log_q):
    lr = helper_log_ratio(log_p, log_q)  # a helper from "another cell"
    return lr.exp() - 1 - lr


def my_k3_wrong(log_p, log_q):
    lr = helper_log_ratio(log_p, log_q)
    return lr.exp() - lr


def test_check_grades_a_function_object_with_its_helpers() -> None:
    result = check("k3", my_k3, lang="en")
    assert result.passed and result.exercise.diagnosis is None
    assert "passed" in repr(result)
    html = result._repr_html_()
    assert "<table>" in html and "hand_examples" in html


def test_check_names_the_mistake_in_either_language() -> None:
    result = check("k3", my_k3_wrong, lang="zh")
    assert not result.passed
    assert result.exercise.diagnosis["id"] == "missing_minus_one"
    assert "漏掉了 -1" in repr(result)


def test_check_shows_the_count_the_diagnosis_and_the_first_failure_with_the_rest_folded() -> None:
    """Under a notebook cell: a few lines of text, not one per check; in Jupyter, the checks folded."""
    result = check("k3", my_k3_wrong, lang="en")
    checks = result.exercise.checks
    failing = [c for c in checks if not c.passed]
    core = [c for c in failing if c.core_failure]  # wrong maths: what fails on it is shown, no convention
    assert len(core) > 2
    lines = repr(result).splitlines()
    assert lines[0] == f"k3: failed ({len(checks) - len(failing)}/{len(checks)} checks passed)"
    assert lines[1].startswith("You forgot the -1")
    assert lines[2] == f"  ✗ {core[0].name}: {core[0].message}"
    assert lines[3:] == [f"  ... and {len(core) - 1} more failing checks"]
    page = result._repr_html_()
    assert page.index("You forgot the -1") < page.index("<details>") < page.index("<table>")
    assert f"{len(checks) - len(failing)}/{len(checks)} checks passed" in page and "color:#cf222e" in page
    assert page.count("<tr>") == len(checks) + 1  # every check, folded under the summary
    assert "color:#1a7f37" in check("k3", my_k3, lang="en")._repr_html_()


def test_check_rejects_bad_arguments_clearly() -> None:
    with pytest.raises(NotebookError, match="unknown exercise"):
        check("k4", my_k3)
    with pytest.raises(NotebookError, match="needs a Python function"):
        check("k3", 42)
    with pytest.raises(NotebookError, match=r'exercise name first.*check\("k3", k3\)'):
        check(my_k3, "k3")  # arguments swapped
    with pytest.raises(NotebookError, match="先练习名"):
        check(my_k3, "k3", lang="zh")


def _reader(stream, q: "queue.Queue[str]") -> None:
    for line in stream:
        q.put(line)


def _wait_for(q: "queue.Queue[str]", text: str, seconds: float = 120) -> str:
    seen = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            seen += q.get(timeout=1)
        except queue.Empty:
            continue
        if text in seen:
            return seen
    raise AssertionError(f"{text!r} not seen in:\n{seen}")


def test_watch_regrades_on_save_and_quits_on_ctrl_c(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert kldrill("init", str(ws)).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "grader", "watch", str(ws), "--interval", "0.2", "--timeout", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "KLDRILL_LANG": "en", "TERM": "dumb"})
    q: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, q), daemon=True).start()
    try:
        first = _wait_for(q, "Watching")
        assert "k1" in first and "Next: k1" in first
        (ws / "k1.py").write_text((SOLUTIONS / "k1.py").read_text())
        second = _wait_for(q, "Watching")
        assert "Next: k2" in second  # k1 passes now; the current exercise moved on
        assert re.search(r"✓ k1 passed: all \d+ checks\. On to k2\.", second), second  # said, not only implied
        assert second.lstrip().startswith("grading k1…")  # said at once, before the verdict
        (ws / "k2.py").write_text("def k2(log_p, log_q):\n    while True:\n        pass\n")
        # A hanging save: not the stale verdict but a countdown, about once a second, to its timeout.
        hanging = _wait_for(q, "it is stopped in 1 s", 30)
        assert "grading k2…\n" in hanging and "Next:" not in hanging
        assert "grading k2… 1 s so far; if your code hangs, it is stopped in 2 s" in hanging
        third = _wait_for(q, "Watching", 30)
        assert "timed out after 3 s" in third and "Next: k2" in third
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        assert "Stopped watching." in _wait_for(q, "Stopped watching.", 10)
    finally:
        proc.kill()
