"""Closed book means closed book: a diagnosis that states the exercise's formula ("k2 = (log r)^2 / 2") is
withheld during a mock interview. Its headline stays ("You forgot the 1/2") when that gives nothing away;
the whole of it is shown only when asked for, and then counts as a hint.

What "the formula" is comes from the exercise itself (``answer_pieces``): every expression the reference
solution computes, the formula lines of the guided contract and the statements of the last hint (nearly
the code); tests/test_closed_book.py holds the closed-book stubs to the same list.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from functools import lru_cache

from grader import exercises, resources
from grader.judging.results import ExerciseResult

_COLON = re.compile(r"[:：]")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _definition(path, name: str) -> ast.AST:  # noqa: ANN001 - a Path
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name)


def reference_expressions(meta: exercises.Exercise) -> set[str]:
    """Every expression the reference computes with (returned or assigned), beyond a bare name or number."""
    node = _definition(resources.solutions_dir() / meta.file, meta.function)
    found = set()
    for sub in ast.walk(node):
        value = sub.value if isinstance(sub, (ast.Return, ast.Assign, ast.AugAssign, ast.AnnAssign)) else None
        if value is None or isinstance(value, (ast.Name, ast.Constant, ast.Attribute)):
            continue
        if isinstance(value, ast.Tuple) and all(isinstance(e, ast.Name) for e in value.elts):
            continue  # `return advantages, returns` names the result; the contract does too
        found.add(squeeze(ast.unparse(value)))
    return found


def formula_lines(meta: exercises.Exercise) -> set[str]:
    """The right-hand sides of the formula block(s) in the guided contract (the indented `x = ...` lines)."""
    doc = ast.get_docstring(_definition(resources.exercises_dir() / meta.file, meta.function), clean=False) or ""
    lines = set()
    for line in doc.splitlines():
        match = re.match(r"^ {8,}[\w\[\]:, -]+ \+?= (.+?)\s*(#.*)?$", line)
        if match:  # "k1 = -log r = log_q - log_p": each side is a form of the answer
            lines.update(squeeze(side) for side in match.group(1).split(" = "))
    return lines


def last_hint_statements(meta: exercises.Exercise) -> set[str]:
    last = meta.hints[-1]
    return {squeeze(part.removeprefix("return ").removeprefix(" return "))
            for text in last.values() for part in text.split(";") if re.search(r"[-+*/(\[]", part)}


@lru_cache(maxsize=None)
def answer_pieces(name: str) -> frozenset[str]:
    """The forms of exercise ``name``'s answer, without spaces; shorter than 4 characters (`0`, `-x`) is too
    common to mean the answer was given."""
    meta = exercises.get(name)
    found = reference_expressions(meta) | formula_lines(meta) | last_hint_statements(meta)
    return frozenset(f for f in found if len(f) > 3)


def states_formula(name: str, text: str) -> bool:
    """Whether ``text`` gives exercise ``name``'s answer away: an equation for it ("k2 = ...") or any form
    of its answer."""
    function = re.escape(exercises.get(name).function)
    if re.search(rf"\b{function}\b(\([^)]*\))?\s*=(?!=)", text):
        return True
    flat = squeeze(text)
    return any(piece in flat for piece in answer_pieces(name))


def headline(name: str, text: str) -> str:
    """What the diagnosis says before its first colon, when that gives nothing away ("You forgot the
    1/2"); else nothing."""
    match = _COLON.search(text)
    head = text[:match.start()].strip() if match else ""
    return head if head and not states_formula(name, head) else ""


def closed_book_view(result: ExerciseResult) -> tuple[ExerciseResult, dict | None]:
    """The verdict as a closed-book interview shows it, and the diagnosis withheld from it (None when
    nothing was): its message in each language cut to its headline, or to nothing."""
    diagnosis = result.diagnosis
    message = diagnosis.get("message") if isinstance(diagnosis, dict) else None
    if not isinstance(message, dict) or not any(states_formula(result.name, str(m)) for m in message.values()):
        return result, None
    shown = {lang: headline(result.name, str(text)) for lang, text in message.items()}
    return replace(result, diagnosis={**diagnosis, "message": shown}), diagnosis
