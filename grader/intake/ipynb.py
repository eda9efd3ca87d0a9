"""A Jupyter notebook as a submission: its code cells, in order, as one Python file.

Judge-side and pure: the notebook is untrusted data. It is read with nbformat (JSON, size-capped) and
its Python is parsed with ``ast`` to find what to leave out; nothing in it is executed here. The
learner's process imports the converted file from the snapshot (grader/isolation/snapshot.py), as it
would a .py file.

Left out, each with a note: IPython magics (``%...``) and shell lines (``!...``) (replaced by ``pass``
at their indentation, so a block stays a block), whole cells that start with a cell magic
(``%%...``), and top-level statements that import kl-drill or call ``check(...)`` (the notebook's own
feedback cells: grading the notebook grades its functions, and kl-drill is not importable where the
learner's code runs).

Every line of the converted file maps back to (cell, line): cells are numbered as the notebook shows
them, from 1, markdown cells included; lines from 1 within the cell.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.i18n import KeyedError
from grader.intake.locate import MAX_PARSE_BYTES

MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024  # the .ipynb as stored, outputs (plots) included
MAX_CODE_BYTES = 4 * 1024 * 1024  # its code cells
SUFFIX = ".ipynb"


class NotebookFormatError(KeyedError):
    """The notebook cannot be read; ``key`` and ``fields`` name the UI message (grader/data/ui.yaml)."""


@dataclass
class Converted:
    source: str
    lines: list[tuple[int, int] | None]  # converted line i+1 -> (cell, line), None for a separator
    notes: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, cell, line) left out
    parsed: int = 0  # bytes of code parsed in the judge, for the submission's parse budget

    def where(self, line: int) -> tuple[int, int] | None:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else None


_LINE_MAGIC = re.compile(r"^(\s*)(%|!)")
_ASSIGNED_MAGIC = re.compile(r"^(\s*)[\w.\[\], ]+=\s*(%|!)")  # files = !ls, t = %timeit -o f()


def is_notebook(path: Path) -> bool:
    return path.suffix.lower() == SUFFIX


def _first_line(text: str) -> str:
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line[:200]


def read_cells(path: Path) -> list[tuple[int, str]]:
    """(cell number, source) of each code cell; NotebookFormatError for anything but a notebook."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookFormatError("notebook_too_big", path=str(path), mib=MAX_NOTEBOOK_BYTES >> 20)
        with open(path, "rb") as f:
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        raise NotebookFormatError("notebook_unreadable", path=str(path), reason=exc.strerror or exc) from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookFormatError("notebook_too_big", path=str(path), mib=MAX_NOTEBOOK_BYTES >> 20)
    try:
        from nbformat import reader

        text = data.decode("utf-8")
        # No validation against the schema (nbformat would log it): only the code cells matter, and
        # they are checked here.
        nb = reader.reads(text)
    except (RecursionError, MemoryError):
        raise NotebookFormatError("notebook_unreadable", path=str(path), reason="nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - a JSON, Unicode or nbformat error: all mean "not a notebook"
        raise NotebookFormatError("notebook_unreadable", path=str(path), reason=_first_line(exc)) from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(cells, list):
        raise NotebookFormatError("notebook_unreadable", path=str(path),
                                  reason="not a version 4 notebook with a list of cells")
    code = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookFormatError("notebook_unreadable", path=str(path),
                                      reason=f"cell {number} has no text as its source")
        code.append((number, source))
    if sum(len(s) for _, s in code) > MAX_CODE_BYTES:
        raise NotebookFormatError("notebook_too_big", path=str(path), mib=MAX_CODE_BYTES >> 20)
    return code


def convert(path: Path, parse_limit: int = MAX_PARSE_BYTES) -> Converted:
    """The notebook at ``path`` as one Python source; NotebookFormatError if it cannot be read.

    Its cells are parsed (to leave out kl-drill's own feedback cells) one by one, in the judge, while
    ``parse_limit`` bytes of code last: parsing is the judge's memory and time (a 2 MiB cell of short
    statements takes gigabytes), held to the budget of a .py file (grader/intake/locate.py). A cell past the
    budget, or that does not parse on its own, is kept as it is: its import, in the learner's process,
    says what is wrong with it."""
    out: list[str] = []
    lines: list[tuple[int, int] | None] = []
    notes: list[tuple[str, int, int]] = []
    left = parse_limit
    for number, source in read_cells(path):
        cell_lines = source.splitlines()
        if cell_lines and cell_lines[0].lstrip().startswith("%%"):
            notes.append(("cell_magic", number, 1))
            continue
        if out:
            out.append("")
            lines.append(None)
        kept: list[str] = []
        for index, line in enumerate(cell_lines, start=1):
            match = _LINE_MAGIC.match(line) or _ASSIGNED_MAGIC.match(line)
            if match:
                notes.append(("shell" if match.group(2) == "!" else "magic", number, index))
                line = f"{match.group(1)}pass  # kldrill: left out"
            kept.append(line)
        size = sum(len(line) + 1 for line in kept)
        if 0 < size <= left:
            left -= size
            kept = _drop_feedback(kept, number, notes)
        out += kept
        lines += [(number, index) for index in range(1, len(kept) + 1)]
    return Converted("\n".join(out) + "\n", lines, notes, parsed=parse_limit - left)


def _is_feedback(node: ast.stmt) -> bool:
    """``from grader... import``, ``import grader``, ``check(...)`` or ``x = check(...)`` at top level."""
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "grader"
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "grader" for alias in node.names)
    value = node.value if isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        return name == "check"
    return False


def _drop_feedback(cell: list[str], number: int, notes: list) -> list[str]:
    """The cell's lines with its top-level feedback statements left out (noted in ``notes``)."""
    try:
        tree = ast.parse("\n".join(cell))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return cell  # the learner's process reports the syntax error, with its cell and line
    cell = list(cell)
    for node in tree.body:
        if _is_feedback(node) and node.end_lineno is not None:
            for lineno in range(node.lineno, node.end_lineno + 1):
                cell[lineno - 1] = "pass  # kldrill: left out" if lineno == node.lineno else ""
            notes.append(("feedback", number, node.lineno))
    return cell


def left_out_note(path: Path, lang: str) -> str | None:
    """One line saying what of the notebook is not graded (magics, shell lines, check cells), or None."""
    from grader.i18n import t

    if not is_notebook(path):
        return None
    try:
        notes = convert(path).notes
    except NotebookFormatError:
        return None  # said elsewhere, as the verdict
    if not notes:
        return None
    places = [t(f"left_out_{kind}", lang, cell=cell, line=line) for kind, cell, line in sorted(notes, key=lambda n: n[1:])]
    return t("notebook_left_out", lang, path=path.name, places=t("list_sep", lang).join(places))
