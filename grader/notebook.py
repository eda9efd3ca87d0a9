"""Grade a function object, e.g. one defined in a Jupyter notebook: ``check("k3", my_k3)``.

The function's source is written to a temporary file with everything it needs from the notebook,
found transitively from the names its code refers to: the notebook's functions and classes (their
sources, and what they need in turn), constants (as literals), modules and names imported from
modules (as import statements). The file is graded like any submission: same checks, same
isolation, same diagnosis; an error's place is given as the notebook cell (or the file) the line
came from, never the temporary file.
"""

from __future__ import annotations

import ast
import builtins
import html
import inspect
import re
import tempfile
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import exercises
from grader.grading import grade
from grader.i18n import detect_lang, pick, t
from grader.isolation.limits import Limits
from grader.results import ExerciseResult

PRELUDE = "import math\nimport numpy as np\nimport torch\nimport torch.nn.functional as F\n"
_LITERALS = (int, float, complex, str, bytes, bool, type(None))


class NotebookError(ValueError):
    pass


def _cell_label(code: types.CodeType, lang: str) -> str:
    """Where a piece of source was written: "cell In [3]" in IPython, else "file.py"."""
    try:
        ip = get_ipython()  # type: ignore[name-defined]  # noqa: F821 - defined inside IPython only
        number = ip.compile._filename_map.get(code.co_filename)
        if number is not None:
            return t("where_notebook_cell", lang, number=number)
    except Exception:  # noqa: BLE001 - not in IPython, or an IPython without the map
        pass
    return Path(code.co_filename).name


def _source(obj: Any, lang: str) -> tuple[str, int]:
    """Dedented source of a function or class and its first line number in its cell or file."""
    try:
        lines, first = inspect.getsourcelines(obj)
    except (OSError, TypeError) as exc:
        raise NotebookError(t("notebook_no_source", lang, name=getattr(obj, "__name__", repr(obj)),
                              reason=exc)) from None
    return textwrap.dedent("".join(lines)), max(first, 1)


def _literal(value: Any) -> bool:
    if isinstance(value, _LITERALS):
        return not (isinstance(value, float) and value != value)  # NaN has no literal
    if isinstance(value, (tuple, list, frozenset, set)):
        return all(_literal(v) for v in value)
    if isinstance(value, dict):
        return all(_literal(k) and _literal(v) for k, v in value.items())
    return False


def _names(code: types.CodeType) -> set[str]:
    """Global names a code object (and the functions, lambdas and comprehensions inside it) may use."""
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _names(const)
    return found


def _import_of(name: str, value: Any) -> str | None:
    """An import statement that binds ``name`` to ``value`` in a fresh module, if there is one."""
    if isinstance(value, types.ModuleType):
        module = value.__name__
        return f"import {module}" if module == name else f"import {module} as {name}"
    import sys

    module, attr = getattr(value, "__module__", None), getattr(value, "__name__", None)
    if not isinstance(attr, str) or not attr.isidentifier():
        return None
    # Where it says it lives, else the modules the prelude imports (torch's functions say nothing).
    for candidate in dict.fromkeys([module, "torch", "torch.nn.functional", "math", "numpy"]):
        loaded = sys.modules.get(candidate) if isinstance(candidate, str) and candidate != "__main__" else None
        if loaded is not None and getattr(loaded, attr, None) is value:
            return f"from {candidate} import {attr}" + ("" if attr == name else f" as {name}")
    return None


@dataclass
class _Piece:
    text: str
    label: str = ""  # where it was written ("" for generated lines)
    first: int = 1  # its first line there


@dataclass
class _Collected:
    imports: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)


def _collect(obj: Any, space: dict, out: _Collected, lang: str) -> None:
    """Add ``obj`` (a function or class of the notebook) and, transitively, what it refers to."""
    if id(obj) in out.seen:
        return
    out.seen.add(id(obj))
    codes = [obj.__code__] if isinstance(obj, types.FunctionType) else [
        v.__code__ for v in vars(obj).values() if isinstance(v, types.FunctionType)]
    text, first = _source(obj, lang)
    needed: set[str] = set()
    for code in codes:
        needed |= _names(code)
    if isinstance(obj, type):  # base classes and decorators are names too
        needed |= {b.__name__ for b in obj.__bases__}
    for name in sorted(needed):
        if name not in space or name == getattr(obj, "__name__", None):
            continue  # a builtin, an attribute name, or itself
        value = space[name]
        if value is getattr(builtins, name, object()):
            continue
        own = isinstance(value, (types.FunctionType, type)) and getattr(value, "__module__", None) == obj.__module__
        if own:
            _collect(value, space, out, lang)
            if value.__name__ != name:
                out.constants.append(f"{name} = {value.__name__}")
        elif (statement := _import_of(name, value)) is not None:
            if statement not in out.imports:
                out.imports.append(statement)
        elif _literal(value):
            out.constants.append(f"{name} = {value!r}")
        elif not _is_attribute_only(name, obj, lang):  # `x.name` is no use of the global `name`
            raise NotebookError(t("notebook_cannot_send", lang, name=name, type=type(value).__name__))
    label = _cell_label(codes[0], lang) if codes else ""
    out.pieces.append(_Piece(text, label, first))


def _is_attribute_only(name: str, obj: Any, lang: str) -> bool:
    """Whether ``name`` appears in ``obj``'s source only after a dot (``x.name``), never as a variable."""
    try:
        tree = ast.parse(_source(obj, lang)[0])
    except SyntaxError:
        return False
    return not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(tree))


@dataclass
class Built:
    source: str
    lines: list[tuple[str, int] | None]  # line i+1 of the file -> (where written, line there)


def build(exercise: str, fn: Any, lang: str = "en") -> Built:
    """A one-file submission defining exercise's function as ``fn`` does, with all it needs."""
    meta = exercises.get(exercise)
    if not isinstance(fn, types.FunctionType):
        raise NotebookError(t("notebook_not_function", lang, type=type(fn).__name__))
    out = _Collected()
    _collect(fn, fn.__globals__, out, lang)
    parts: list[_Piece] = [_Piece(PRELUDE + "\n".join(out.imports) + "\n")]
    if out.constants:
        parts.append(_Piece("\n".join(dict.fromkeys(out.constants)) + "\n"))
    parts += out.pieces
    if fn.__name__.isidentifier() and fn.__name__ != meta.function:
        parts.append(_Piece(f"{meta.function} = {fn.__name__}\n"))
    source, lines = [], []
    for piece in parts:
        for index, line in enumerate(piece.text.rstrip("\n").split("\n")):
            source.append(line)
            lines.append((piece.label, piece.first + index) if piece.label else None)
        source.append("")
        lines.append(None)
    return Built("\n".join(source) + "\n", lines)


def submission_source(exercise: str, fn: Any) -> str:
    """A one-file submission defining exercise's function as `fn` does."""
    return build(exercise, fn).source


def _relabel(text: str, stem: str, built: Built, lang: str) -> str:
    """'k2.py:12' (the temporary file) -> the cell or file and line it came from."""
    def place(match: re.Match) -> str:
        line = int(match.group(1))
        where = built.lines[line - 1] if 1 <= line <= len(built.lines) else None
        return t("where_line", lang, file=where[0], line=where[1]) if where else match.group(0)

    return re.sub(rf"\b{re.escape(stem)}\.py:(\d+)", place, text)


@dataclass
class CheckResult:
    """What check() found; shows as a table in Jupyter and as text elsewhere."""

    exercise: ExerciseResult
    lang: str

    @property
    def passed(self) -> bool:
        return self.exercise.status == "passed"

    SHOWN = 1  # failing checks written out in the text view, as `kldrill grade` does; the rest are counted

    def _failing(self) -> list[tuple[str, str]]:
        """The checks that failed on the maths (a convention missed is said apart)."""
        return [(c.name, c.message) for c in self.exercise.checks if c.core_failure]

    def _status(self) -> str:
        e = self.exercise
        starred = "*" if e.status == "passed" and e.missed else ""
        return t("checks_passed", self.lang, status=t("status_" + e.status, self.lang) + starred,
                 passed=sum(c.passed for c in e.checks), total=len(e.checks))

    def _conventions(self) -> list[str]:
        """Once the maths is right, each convention missed, with the frameworks that choose otherwise (as
        `kldrill grade`)."""
        from grader.report import convention_lines

        e = self.exercise
        return [line for c in (e.missed if e.core else []) for line in convention_lines(e, c.id, self.lang)]

    def __repr__(self) -> str:
        # The verdict, the diagnosis, the first failing checks: what a learner reads under a cell.
        e = self.exercise
        lines = [f"{e.name}: {self._status()}"]
        if e.diagnosis:
            lines.append(pick(e.diagnosis["message"], self.lang))
            lines += [t("diagnosis_also", self.lang, message=pick(a["message"], self.lang)) for a in e.named_beside]
        failing = self._failing()
        lines += [f"  ✗ {name}" + (f": {msg}" if msg else "") for name, msg in failing[:self.SHOWN]]
        if len(failing) > self.SHOWN:
            lines.append("  " + t("more_failures", self.lang, count=len(failing) - self.SHOWN))
        lines += self._conventions()
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        # Jupyter: the count in colour, the diagnosis first, every check folded below it.
        e = self.exercise
        colour = "#1a7f37" if self.passed else ("#9a6700" if e.status in ("error", "missing") else "#cf222e")
        head = (f"<p><b>{html.escape(e.name)}</b>: <span style='color:{colour};font-weight:bold'>"
                f"{html.escape(self._status())}</span></p>")
        if e.diagnosis:
            head += f"<p style='font-weight:bold'>{html.escape(pick(e.diagnosis['message'], self.lang))}</p>"
            beside = (t("diagnosis_also", self.lang, message=pick(a["message"], self.lang)) for a in e.named_beside)
            head += "".join(f"<p>{html.escape(line.strip())}</p>" for line in beside)
        failing = self._failing()
        if failing:
            name, msg = failing[0]
            head += f"<p>✗ <code>{html.escape(name)}</code>: {html.escape(msg)}</p>"
        head += "".join(f"<p>{html.escape(line.strip())}</p>" for line in self._conventions())
        rows = "".join(
            f"<tr><td>{'✓' if c.passed else '✗'}</td><td><code>{html.escape(c.name)}</code></td>"
            f"<td>{html.escape(c.message)}</td></tr>" for c in e.checks)
        return (head + f"<details><summary>{html.escape(self._status())}</summary>"
                f"<table><tr><th></th><th>{t('column_check', self.lang)}</th><th>{t('column_message', self.lang)}</th></tr>"
                f"{rows}</table></details>")


def check(exercise: str, fn: Any, lang: str | None = None, timeout: float = Limits.call_timeout,
          strict: bool = False) -> CheckResult:
    """Grade ``fn`` as the learner's ``exercise`` (e.g. "k3") with the hidden checks: passed when the
    maths is right, the conventions it missed named beside (``strict``: all or nothing)."""
    lang = lang or detect_lang()
    if isinstance(fn, str) and not isinstance(exercise, str):
        raise NotebookError(t("notebook_swapped", lang, name=fn))
    if exercise not in exercises.names():
        raise NotebookError(t("notebook_unknown_exercise", lang, name=exercise, names=", ".join(exercises.names())))
    built = build(exercise, fn, lang)
    stem = exercises.get(exercise).function
    with tempfile.TemporaryDirectory(prefix="kldrill-notebook-") as tmp:
        path = Path(tmp) / f"{stem}.py"
        path.write_text(built.source, encoding="utf-8")
        result = grade(path, [exercise], lang=lang, limits=Limits(call_timeout=timeout),
                       label=f"{exercise} (notebook)", strict=strict)
    verdict = result.exercises[0]
    for c in verdict.checks:
        c.message = _relabel(c.message, stem, built, lang)
        c.notes = {k: _relabel(v, stem, built, lang) for k, v in c.notes.items()}
    for c in verdict.conventions:
        c.message = _relabel(c.message, stem, built, lang)
    return CheckResult(verdict, lang)
