"""Closed-book stubs: the same signature and contract as the guided ones, and none of the answer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import EXERCISES, SOLUTIONS, kldrill
from grader import exercises
from grader.practice.withhold import answer_pieces

CLOSED = EXERCISES / "closed_book"
ALL = [e.name for e in exercises.all_exercises()]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _definition(path: Path, name: str) -> ast.FunctionDef | ast.ClassDef:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name)


def _signature(node: ast.AST) -> str:
    if isinstance(node, ast.FunctionDef):
        return ast.unparse(node.args)
    return "; ".join(f"{m.name}({ast.unparse(m.args)})" for m in node.body if isinstance(m, ast.FunctionDef))


def _forbidden(meta: exercises.Exercise) -> set[str]:
    # The reference's expressions, the guided formula lines and the last hint's statements: what the
    # interview also withholds from a closed-book diagnosis.
    return set(answer_pieces(meta.name))


@pytest.mark.parametrize("name", ALL)
def test_every_exercise_has_a_closed_book_stub_with_the_guided_signature(name: str) -> None:
    meta = exercises.get(name)
    path = CLOSED / meta.file
    assert path.is_file(), f"{name}: no closed-book stub at {path}"
    assert _signature(_definition(path, meta.function)) == _signature(_definition(EXERCISES / meta.file,
                                                                                meta.function))
    doc = ast.get_docstring(_definition(path, meta.function)) or ""
    assert "Contract" in doc and "契约" in doc, f"{name}: the closed-book contract must be bilingual"


@pytest.mark.parametrize("name", ALL)
def test_no_closed_book_stub_gives_the_formula_or_the_code(name: str) -> None:
    meta = exercises.get(name)
    title = exercises.title(meta, closed_book=True)
    text = _squeeze((CLOSED / meta.file).read_text(encoding="utf-8") + title["en"] + title["zh"])
    forbidden = _forbidden(meta)
    assert forbidden, f"{name}: found nothing to check against; the extraction is broken"
    leaked = sorted(f for f in forbidden if f in text)
    assert not leaked, f"{name}: the closed-book stub gives away {leaked}"


def test_the_scan_finds_the_answer_when_a_stub_does_give_it() -> None:
    # The last hint is nearly the code: pasted into a closed-book stub, the scan must flag it, or the
    # test above proves nothing for that exercise.
    for name in ALL:
        meta = exercises.get(name)
        text = _squeeze((CLOSED / meta.file).read_text(encoding="utf-8") + meta.hints[-1]["en"])
        forbidden = _forbidden(meta)
        assert any(f in text for f in forbidden), name


def test_init_closed_book_writes_them_and_list_says_so(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert kldrill("init", "--closed-book", str(ws)).returncode == 0
    for name in ALL:
        meta = exercises.get(name)
        assert (ws / meta.file).read_bytes() == (CLOSED / meta.file).read_bytes()
    listed = kldrill("list", cwd=ws).stdout
    assert listed.count("(closed book)") == len(ALL)
    assert "(r - 1) - log r" not in listed  # the guided title of k3 names its formula
    # Back to guided with --force: the guided stubs, and list no longer says closed book.
    assert kldrill("init", str(ws)).returncode == 2  # refuses without --force
    assert kldrill("init", "--force", str(ws)).returncode == 0
    assert (ws / "k3.py").read_bytes() == (EXERCISES / "k3.py").read_bytes()
    assert "(closed book)" not in kldrill("list", cwd=ws).stdout
