"""check() in a real Jupyter kernel (nbclient + ipykernel, headless): classes and lambdas graded, a wrong call
one clear line, and the practice notebook from `kldrill init --notebook` run end to end, on one warm judge."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from conftest import NAMES, SOLUTIONS, kldrill
from grader import exercises

nbclient = pytest.importorskip("nbclient", reason="nbclient and ipykernel are dev dependencies")

from test_notebook_session import _text  # noqa: E402 - after the skip: it needs nbclient too


def _run(nb, folder: Path, allow_errors: bool = True):  # noqa: ANN001, ANN202
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=allow_errors,
                                     resources={"metadata": {"path": str(folder)}})
    return client.execute()


def _errors(cell) -> list:  # noqa: ANN001
    return [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]


def _notebook(*cells: str):  # noqa: ANN202
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


CONTROLLER = (SOLUTIONS / "adaptive_kl_controller.py").read_text()


def test_classes_lambdas_and_wrong_calls_in_a_kernel(tmp_path: Path) -> None:
    nb = _notebook(
        "from grader import check",
        CONTROLLER,
        'check("adaptive_kl_controller", AdaptiveKLController)',
        'check("k1", lambda log_p, log_q: log_q - log_p)',
        'r = check("k1", lambda log_p, log_q: log_p - log_q); r',
        "sq = lambda x: x * x\n\ndef my_k2(log_p, log_q):\n    return sq(log_p - log_q) / 2",
        'check("k2", my_k2)',
        'check("k9", my_k2)',
        'check(my_k2, "k2")',
        'check("k2", 42)',
    )
    _run(nb, tmp_path)
    out = [_text(c) for c in nb.cells]
    assert "adaptive_kl_controller: passed" in out[2], out[2]
    assert "k1: passed" in out[3] and "NameError" not in out[3], out[3]
    assert "k1: failed" in out[4] and "opposite sign" in out[4], out[4]
    assert "k2: passed" in out[6], out[6]
    for index, said in ((7, "unknown exercise 'k9'"), (8, 'exercise name first'), (9, "needs a Python function")):
        (error,) = _errors(nb.cells[index])
        shown = "\n".join(error["traceback"])
        assert said in shown and error["ename"] == "NotebookError", shown
        # One line under the cell, not a traceback through grader/notebook/__init__.py.
        assert len(error["traceback"]) == 1 and "grader" not in shown.replace("grader import", ""), shown


def test_the_practice_notebook_runs_end_to_end(tmp_path: Path) -> None:
    made = kldrill("init", "--notebook", str(tmp_path))
    assert made.returncode == 0, made.stderr
    path = tmp_path / "kl-drill.ipynb"
    # As written: every check cell answers (the stubs are not written yet); no cell errors.
    nb = nbformat.read(str(path), as_version=4)
    _run(nb, tmp_path, allow_errors=False)
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith('check("')]
    assert len(checks) == len(NAMES)
    for cell, name in zip(checks, NAMES):
        assert f"{name}: failed" in _text(cell) and "not written yet" in _text(cell), _text(cell)
    # Each stub replaced by the reference: every check passes, the class's included.
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        for meta in exercises.all_exercises():
            if cell.cell_type == "code" and (f"def {meta.function}(" in cell.source
                                             or f"class {meta.function}" in cell.source):
                cell.source = (SOLUTIONS / meta.file).read_text()
    _run(nb, tmp_path, allow_errors=False)
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith('check("')]
    for cell, name in zip(checks, NAMES):
        assert f"{name}: passed" in _text(cell), _text(cell)
