"""Notebook submissions: a .ipynb is graded wherever a .py is, read as data and converted in the judge."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import NAMES, SOLUTIONS, grade_json, kldrill, statuses
from grader.intake import ipynb
from grader.intake.ipynb import NotebookFormatError, convert


def notebook(path: Path, *cells: str, markdown_first: bool = True) -> Path:
    nb = new_notebook(cells=([new_markdown_cell("# My KL practice")] if markdown_first else [])
                      + [new_code_cell(c) for c in cells])
    nbformat.write(nb, str(path))
    return path


def solutions_notebook(path: Path) -> Path:
    return notebook(path, "%matplotlib inline\n!pip list", *[(SOLUTIONS / f"{n}.py").read_text() for n in NAMES],
                    "from grader.notebook import check\ncheck('k1', k1)")


# ---- conversion (judge side, nothing runs) ------------------------------------------------------

def test_code_cells_in_order_with_magics_shell_lines_and_feedback_left_out(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    nb = notebook(tmp_path / "n.ipynb",
                  f"import torch\n%matplotlib inline\nopen({str(marker)!r}, 'w')\nHALF = 0.5",
                  "def k2(log_p, log_q):\n    !echo hi\n    return HALF * (log_p - log_q) ** 2",
                  "%%bash\necho hi",
                  "from grader.notebook import check\nresult = check('k2',\n               k2)",
                  "files = !ls\nx = 1")
    converted = convert(nb)
    assert not marker.exists()  # converting never runs the notebook
    compile(converted.source, "n.py", "exec")  # valid Python
    lines = converted.source.splitlines()
    assert "echo hi" not in converted.source and "check(" not in converted.source and "grader" not in converted.source
    assert lines.index("HALF = 0.5") + 1 and converted.where(lines.index("HALF = 0.5") + 1) == (2, 4)
    assert converted.where(lines.index("    return HALF * (log_p - log_q) ** 2") + 1) == (3, 3)
    assert converted.where(lines.index("x = 1") + 1) == (6, 2)  # cell 4, the %%bash one, is gone
    assert sorted(converted.notes) == sorted([("magic", 2, 2), ("shell", 3, 2), ("cell_magic", 4, 1),
                                              ("feedback", 5, 1), ("feedback", 5, 2), ("shell", 6, 1)])


@pytest.mark.parametrize("content,reason", [
    (b"{not json", "does not appear to be JSON"), (b"[" * 100_000, "nested too deeply"),
    (b'{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}', "version 4"),
    (b'\xff\xfe{"cells": []}', "utf-8"), (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 7}', ""),
])
def test_a_malformed_notebook_is_a_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookFormatError) as info:
        convert(path)
    assert info.value.key == "notebook_unreadable" and reason in str(info.value.fields["reason"])


def test_a_notebook_too_big_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch) -> None:
    path = notebook(tmp_path / "big.ipynb", "x = 1\n" * 1000)
    monkeypatch.setattr(ipynb, "MAX_NOTEBOOK_BYTES", 2000)
    with pytest.raises(NotebookFormatError) as info:
        convert(path)
    assert info.value.key == "notebook_too_big"


# ---- grading ------------------------------------------------------------------------------------

def test_grade_a_notebook_and_its_errors_name_the_cell(tmp_path: Path) -> None:
    right = solutions_notebook(tmp_path / "right.ipynb")
    doc, proc = grade_json(str(right))
    assert proc.returncode == 0 and doc["score"] == doc["max_score"] == len(NAMES), proc.stderr
    assert proc.stderr.count("\n") == 1 and "right.ipynb: not graded: cell 2, line 1 (an IPython magic); " \
        f"cell 2, line 2 (a shell command); cell {len(NAMES) + 3}, line 1 (check() or a kl-drill import)" in proc.stderr
    wrong = notebook(tmp_path / "wrong.ipynb", "import torch\n\n\ndef k1(log_p, log_q):\n    x = 1\n"
                     "    raise ValueError('boom')\n")
    doc, proc = grade_json(str(wrong), "-e", "k1")
    assert statuses(doc) == {"k1": "failed"}
    assert "ValueError: boom (wrong.ipynb, cell 2, line 6)" in json.dumps(doc)
    assert "wrong.py" not in json.dumps(doc)
    # One module, as Run All: a syntax error anywhere stops it, and says where, in the learner's language.
    syntax = notebook(tmp_path / "syntax.ipynb", (SOLUTIONS / "k1.py").read_text(),
                      "def k2(log_p, log_q):\n    return (log_p - log_q) **\n")
    zh = kldrill("grade", str(syntax), "-e", "k1", "--json", "--lang", "zh")
    assert "SyntaxError" in zh.stdout and "syntax.ipynb 第 3 个单元格第 2 行" in zh.stdout, zh.stdout


def test_a_malformed_notebook_is_one_line_exit_2_and_a_zero_in_a_batch(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    proc = kldrill("grade", str(bad))
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.count("\n") == 1
    assert "is not a readable Jupyter notebook" in proc.stderr and "Traceback" not in proc.stderr
    batch = tmp_path / "class"
    batch.mkdir()
    bad.rename(batch / "bob.ipynb")
    solutions_notebook(batch / "alice.ipynb")
    (batch / "carol.py").write_text((SOLUTIONS / "k1.py").read_text())
    proc = kldrill("grade", "--batch", str(batch), "--json")
    scores = {Path(d["submission"]).name: d["score"] for d in json.loads(proc.stdout)["submissions"]}
    assert scores == {"alice.ipynb": len(NAMES), "bob.ipynb": 0.0, "carol.py": 1.0}, proc.stdout
    assert "Traceback" not in proc.stderr


def test_lab_impl_takes_a_notebook(tmp_path: Path) -> None:
    nb = solutions_notebook(tmp_path / "mine.ipynb")
    proc = kldrill("lab", "--impl", str(nb), "--samples", "2000", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {e["name"]: e for e in json.loads(proc.stdout)["estimators"]}
    assert all(rows[n].get("error") is None for n in ("k1", "k2", "k3"))
    assert rows["k3"]["mean"] == pytest.approx(0.125, abs=0.05)


def test_watch_regrades_a_notebook_on_save(tmp_path: Path) -> None:
    import os
    import queue
    import signal
    import subprocess
    import sys
    import threading

    from test_notebook_and_watch import _reader, _wait_for

    nb = notebook(tmp_path / "mine.ipynb", "def k1(log_p, log_q):\n    raise NotImplementedError\n")
    proc = subprocess.Popen([sys.executable, "-m", "grader", "watch", str(nb), "--interval", "0.2"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "KLDRILL_LANG": "en", "TERM": "dumb"})
    q: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, q), daemon=True).start()
    try:
        first = _wait_for(q, "Watching")
        assert "not written yet" in first and "mine.ipynb, cell 2, line 2" in first
        solutions_notebook(nb)
        second = _wait_for(q, "Watching")
        assert "not written yet" not in second and f"{len(NAMES)}/{len(NAMES)}" in second, second
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    finally:
        proc.kill()


_MEASURE = """
import sys, tempfile
from pathlib import Path
from grader.isolation import snapshot
path = Path(sys.argv[1])
taken = snapshot.take("folder" if path.is_dir() else "file", path, str(path), {}, Path(tempfile.mkdtemp()) / "s")
# VmHWM, this process's own peak: ru_maxrss after fork and exec can carry the test runner's (Linux keeps
# the larger of the two), which made a 100 MB parse read as the runner's 495 MB late in a full run.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak // 1024, sorted(taken.names.items()))
"""


@pytest.mark.parametrize("layout", ["one-cell", "many-cells", "in-a-folder"])
def test_a_huge_notebook_is_parsed_under_the_py_budget(tmp_path: Path, layout: str) -> None:
    """2-4 MiB of short statements (gigabytes and many seconds to parse whole) cost the judge what a .py
    file's parse budget allows; the honest function and the feedback cell before the bulk still count."""
    import subprocess
    import sys

    bulk = "\n".join(f"x{i} = ({i})" for i in range(120_000))  # ~2 MiB
    cells = [(SOLUTIONS / "k1.py").read_text(), "from grader.notebook import check\ncheck('k1', k1)"]
    cells += [bulk] if layout == "one-cell" else [bulk[i:i + 100_000] for i in range(0, len(bulk), 100_000)] * 2
    folder = tmp_path / "class"
    folder.mkdir()
    nb = notebook((folder if layout == "in-a-folder" else tmp_path) / "bomb.ipynb", *cells)
    assert nb.stat().st_size > 2 << 20
    converted = convert(nb)
    assert converted.parsed <= ipynb.MAX_PARSE_BYTES and ("feedback", 3, 2) in converted.notes
    target = folder if layout == "in-a-folder" else nb
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(target)], capture_output=True, text=True,
                          timeout=300, cwd="/")
    assert proc.returncode == 0, proc.stderr[-1000:]
    peak_mb, names = proc.stdout.split(" ", 1)
    assert int(peak_mb) < 400, proc.stdout  # (the whole parse took 2.2 GB)
    if layout == "in-a-folder":
        assert "('k1', '_kldrill_0.py')" in names
