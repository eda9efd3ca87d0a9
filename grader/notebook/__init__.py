"""Grade a function, a lambda or a class, e.g. one defined in a Jupyter notebook: ``check("k3", my_k3)``,
``check("k1", lambda log_p, log_q: log_q - log_p)``, ``check("adaptive_kl_controller", AdaptiveKLController)``.

Its source is written to a temporary file with everything it needs from the notebook, found transitively
from the names its code refers to: the notebook's functions and classes (their sources, and what they need
in turn), constants (as literals), modules and names imported from modules (as import statements). A
lambda is cut out of the line that defines it (which may be the ``check(...)`` call itself). The file is
graded like any submission: same checks, same isolation, same diagnosis; an error's place is given as the
notebook cell (or the file) the line came from, never the temporary file.

One judge per kernel (and language) is kept warm between checks (grader/judging/warm.py, as `kldrill watch`
does): the first check starts it, the next ones answer in a fraction of a second; each still gets a
fresh, isolated learner process. ``close()`` ends it (so does the kernel's exit).

A wrong call (an unknown exercise, arguments swapped, something that is not a function or a class) is one
clear line under the cell, not a traceback through kl-drill's code.

The package: this module is the notebook's API (``from grader.notebook import check``, as the practice
notebook and learners' own notebooks write it), kept here so that line goes on working; practice.py
writes the practice notebook `kldrill init --notebook` makes. Owns: grading from a notebook. May import:
grader.reporting, grader.judging, grader.learner, grader.intake, grader.isolation and the bottom layer.
Never: the other features or the CLI. Importing it imports no torch (the judge's process does).
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
from grader.judging.grading import GradingError
from grader.i18n import detect_lang, pick, t
from grader.isolation.limits import Limits
from grader.judging.results import ExerciseResult

PRELUDE = "import math\nimport numpy as np\nimport torch\nimport torch.nn.functional as F\n"
_LITERALS = (int, float, complex, str, bytes, bool, type(None))


class NotebookError(ValueError):
    """A wrong use of check(); its message is the whole story."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of the traceback, which would lead through kl-drill's own frames.
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self}"]


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
        found = _class_source(obj) if isinstance(obj, type) else None
        if found is None:
            raise NotebookError(t("notebook_no_source", lang, name=getattr(obj, "__name__", repr(obj)),
                                  reason=exc)) from None
        return found
    return textwrap.dedent("".join(lines)), max(first, 1)


def _parsed(filename: str) -> tuple[str, ast.Module] | None:
    """The whole cell (or file) a code object came from, and its tree."""
    import linecache

    text = "".join(linecache.getlines(filename))
    try:
        return text, ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _class_source(cls: type) -> tuple[str, int] | None:
    """A class's source found through its methods' cell: inspect cannot find a class defined in Jupyter
    before Python 3.13 (its module, __main__, has no file)."""
    codes = [v.__code__ for v in vars(cls).values() if isinstance(v, types.FunctionType)]
    for code in codes:
        found = _parsed(code.co_filename)
        if found is None:
            continue
        text, tree = found
        for node in ast.walk(tree):
            if (isinstance(node, ast.ClassDef) and node.name == cls.__name__
                    and node.lineno <= code.co_firstlineno <= (node.end_lineno or node.lineno)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = text.splitlines(keepends=True)[first - 1:node.end_lineno]
                return textwrap.dedent("".join(lines)), first
    return None


def _lambda_source(fn: types.FunctionType, lang: str) -> tuple[str, int]:
    """A lambda's own expression, cut out of the line that defines it (``check("k1", lambda a, b: b - a)``
    must not send the call to check along), and its line in its cell or file."""
    code = fn.__code__
    found = _parsed(code.co_filename)
    if found is not None:
        text, tree = found
        params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        candidates = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda) and n.lineno == code.co_firstlineno
                      and tuple(a.arg for a in (*n.args.posonlyargs, *n.args.args, *n.args.kwonlyargs)) == params]
        sources = {ast.get_source_segment(text, n) for n in candidates}
        # Two lambdas with the same parameters on one line: the one whose bytecode is fn's.
        same = [src for src in sources if src and _lambda_code(src) == code.co_code]
        if len(same) == 1 or (len(sources) == 1 and None not in sources):
            return (same or list(sources))[0], code.co_firstlineno
    raise NotebookError(t("notebook_no_lambda", lang))


def _lambda_code(source: str) -> bytes | None:
    try:
        module = compile(f"({source})", "<lambda>", "eval")
    except SyntaxError:
        return None
    return next((c.co_code for c in module.co_consts if isinstance(c, types.CodeType)), None)


def _decorator_names(text: str) -> set[str]:
    """The names a function's or class's decorators use: they run when its source is, so they go too."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        for decorator in getattr(node, "decorator_list", []):
            names |= {n.id for n in ast.walk(decorator) if isinstance(n, ast.Name)}
    return names


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


def _collect(obj: Any, space: dict, out: _Collected, lang: str, alias: str | None = None) -> None:
    """Add ``obj`` (a function, lambda or class of the notebook) and, transitively, what it refers to.
    A lambda is written as ``alias = (lambda ...)``."""
    if id(obj) in out.seen:
        return
    out.seen.add(id(obj))
    codes = [obj.__code__] if isinstance(obj, types.FunctionType) else [
        v.__code__ for v in vars(obj).values() if isinstance(v, types.FunctionType)]
    if _is_lambda(obj):
        expression, first = _lambda_source(obj, lang)
        text = f"{alias} = ({expression})" if alias else expression
    else:
        text, first = _source(obj, lang)
    needed: set[str] = _decorator_names(text)
    for code in codes:
        needed |= _names(code)
    if isinstance(obj, type):  # base classes are names too
        needed |= {b.__name__ for b in obj.__bases__ if b is not object}
    for name in sorted(needed):
        if name not in space or name == getattr(obj, "__name__", None):
            continue  # a builtin, an attribute name, or itself
        value = space[name]
        if value is getattr(builtins, name, object()):
            continue
        own = isinstance(value, (types.FunctionType, type)) and getattr(value, "__module__", None) == obj.__module__
        if own:
            _collect(value, space, out, lang, alias=name if _is_lambda(value) else None)
            if value.__name__ != name and not _is_lambda(value):
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


def _is_lambda(obj: Any) -> bool:
    return isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>"


def _namespace(obj: Any) -> dict:
    if isinstance(obj, types.FunctionType):
        return obj.__globals__
    methods = [v for v in vars(obj).values() if isinstance(v, types.FunctionType)]
    if methods:
        return methods[0].__globals__
    import sys

    module = sys.modules.get(obj.__module__)
    return vars(module) if module is not None else {}


def build(exercise: str, fn: Any, lang: str = "en") -> Built:
    """A one-file submission defining exercise's function (or class) as ``fn`` does, with all it needs."""
    meta = exercises.get(exercise)
    if not isinstance(fn, (types.FunctionType, type)):
        raise NotebookError(t("notebook_not_function", lang, type=type(fn).__name__))
    out = _Collected()
    _collect(fn, _namespace(fn), out, lang, alias=meta.function if _is_lambda(fn) else None)
    parts: list[_Piece] = [_Piece(PRELUDE + "\n".join(out.imports) + "\n")]
    if out.constants:
        parts.append(_Piece("\n".join(dict.fromkeys(out.constants)) + "\n"))
    parts += out.pieces
    if fn.__name__.isidentifier() and fn.__name__ != meta.function:  # (a lambda is named where it is cut out)
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
        from grader.reporting.report import convention_lines

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


_judges: dict[tuple[str, float], Any] = {}  # (lang, call timeout) -> its warm judge: one per kernel, in practice


def _judge(lang: str, timeout: float):  # -> grader.judging.warm.WarmJudge
    """This kernel's warm judge for ``lang`` and ``timeout`` (started on first use, kept until close())."""
    key = (lang, float(timeout))
    judge = _judges.get(key)
    if judge is None:
        from grader.judging.warm import WarmJudge

        if len(_judges) >= 2:  # another language or timeout now: the oldest judge goes (each holds torch)
            _judges.pop(next(iter(_judges))).close()
        if not _judges:
            import atexit

            atexit.register(close)
        judge = _judges[key] = WarmJudge(lang=lang, limits=Limits(call_timeout=timeout))
    return judge


def close() -> None:
    """End this kernel's warm judges (the next check() starts one again)."""
    while _judges:
        _judges.popitem()[1].close()


def check(exercise: str, fn: Any, lang: str | None = None, timeout: float = Limits.call_timeout,
          strict: bool = False) -> CheckResult:
    """Grade ``fn`` (a function, a lambda, or for adaptive_kl_controller a class) as the learner's
    ``exercise`` (e.g. "k3") with the hidden checks: passed when the maths is right, the conventions it
    missed named beside (``strict``: all or nothing)."""
    lang = lang or detect_lang()
    try:
        return _check(exercise, fn, lang, timeout, strict)
    except NotebookError as exc:
        raise NotebookError(str(exc)) from None  # one line: nothing of kl-drill's frames below the cell
    except GradingError as exc:
        raise NotebookError(t("internal_error", lang, detail=exc)) from None


def _check(exercise: Any, fn: Any, lang: str, timeout: float, strict: bool = False) -> CheckResult:
    if isinstance(fn, str) and not isinstance(exercise, str):
        raise NotebookError(t("notebook_swapped", lang, name=fn))
    if not isinstance(exercise, str) or exercise not in exercises.names():
        raise NotebookError(t("notebook_unknown_exercise", lang, name=exercise, names=", ".join(exercises.names())))
    built = build(exercise, fn, lang)
    stem = exercises.get(exercise).function
    with tempfile.TemporaryDirectory(prefix="kldrill-notebook-") as tmp:
        path = Path(tmp) / f"{stem}.py"
        path.write_text(built.source, encoding="utf-8")
        result = _judge(lang, timeout).grade(path, [exercise], label=f"{exercise} (notebook)", strict=strict)
    verdict = result.exercises[0]
    _not_the_learners_fault(verdict, fn, lang)
    for c in verdict.checks:
        c.message = _relabel(c.message, stem, built, lang)
        c.notes = {k: _relabel(v, stem, built, lang) for k, v in c.notes.items()}
    for c in verdict.conventions:
        c.message = _relabel(c.message, stem, built, lang)
    return CheckResult(verdict, lang)


def _not_the_learners_fault(verdict: ExerciseResult, fn: Any, lang: str) -> None:
    """A NameError for a name the notebook does define is ours (something check() did not send along):
    say so, rather than blame the learner's code for it."""
    for c in verdict.checks:
        match = re.search(r"NameError: name '(\w+)' is not defined", c.message)
        space = _namespace(fn)
        if match and match.group(1) in space:
            value = space[match.group(1)]
            raise NotebookError(t("notebook_cannot_send", lang, name=match.group(1), type=type(value).__name__))
