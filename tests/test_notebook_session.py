"""A notebook practice session, for real: init --notebook, a wrong then a right cell run headless in a
Jupyter kernel (nbclient + ipykernel), check() on each, then `kldrill grade` of the .ipynb."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from conftest import NAMES, kldrill

nbclient = pytest.importorskip("nbclient", reason="nbclient and ipykernel are dev dependencies")

HELPERS = ("HALF = 0.5\n\n\n"
           "def _log_ratio(log_p, log_q):\n    return log_p - log_q\n\n\n"
           "def _square(x):\n    return x * x\n\n\n"
           "def half_square(x):\n    return HALF * _square(x)  # a helper of a helper, and a constant\n")
WRONG = ("def k2(log_p, log_q):\n"
         "    lr = _log_ratio(log_p, log_q)\n"
         "    if lr.numel() > 2:\n"
         "        raise ValueError('too long')\n"
         "    return half_square(lr) + 1\n")
RIGHT = "def k2(log_p, log_q):\n    return half_square(_log_ratio(log_p, log_q))\n"


def _run(nb, folder: Path):
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(folder)}})
    return client.execute()


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
        parts.append("\n".join(out.get("traceback", [])))
    return "\n".join(parts)


def test_a_notebook_practice_session(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    made = kldrill("init", "--notebook", str(ws))
    assert made.returncode == 0, made.stderr
    path = ws / "kl-drill.ipynb"
    full = nbformat.read(str(path), as_version=4)
    sources = [c.source for c in full.cells]
    assert sum(s.startswith('check("') for s in sources) == len(NAMES)  # one section per exercise
    k2_stub = next(i for i, s in enumerate(sources) if s.lstrip().startswith('"""') and "def k2(" in s)
    assert "Contract" in sources[k2_stub] and sources[k2_stub + 1] == 'check("k2", k2)'

    # The k2 section alone (and the import cell), with the learner's helpers in a cell of their own.
    nb = nbformat.v4.new_notebook(cells=[full.cells[1], nbformat.v4.new_code_cell(HELPERS),
                                         full.cells[k2_stub], full.cells[k2_stub + 1]])
    nb.metadata = full.metadata
    nb.cells[2].source = WRONG
    _run(nb, ws)
    wrong = _text(nb.cells[3])
    assert "k2: failed" in wrong, wrong
    assert "cell In [3], line 4" in wrong and "k2.py" not in wrong  # the cell the learner wrote
    assert "NameError" not in wrong  # HALF and the helpers of helpers went with it

    nb.cells[2].source = RIGHT
    _run(nb, ws)
    assert "k2: passed" in _text(nb.cells[3]), _text(nb.cells[3])

    # The notebook is a submission too: its check cells are left out, its functions graded.
    nbformat.write(nb, str(path))
    proc = kldrill("grade", str(path), "-e", "k2", "--json")
    doc = json.loads(proc.stdout)
    assert [e["status"] for e in doc["exercises"]] == ["passed"], proc.stdout


def test_closed_book_notebook_holds_the_closed_book_stubs(tmp_path: Path) -> None:
    from grader import exercises
    from grader.notebook.practice import build
    from grader.learner.workspace import stub

    nb = build(closed_book=True, lang="en")
    text = "\n".join(c.source for c in nb.cells)
    for meta in exercises.all_exercises():
        assert stub(meta, True).read_text(encoding="utf-8").rstrip("\n") in text
    assert "(log r)^2 / 2" not in text  # no formula in a closed-book notebook
    again = kldrill("init", "--notebook", str(tmp_path))
    assert again.returncode == 0
    refused = kldrill("init", "--notebook", str(tmp_path))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--force" in refused.stderr
