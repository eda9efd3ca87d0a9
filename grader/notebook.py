"""Grade a function object, e.g. one defined in a Jupyter notebook: ``check("k3", my_k3)``.

The function's source (and that of helper functions it calls from the same notebook) is written to a
temporary file and graded like any submission: same checks, same isolation, same diagnosis.
"""

from __future__ import annotations

import html
import inspect
import tempfile
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import exercises
from grader.grading import grade
from grader.i18n import detect_lang, pick, t
from grader.isolation.limits import Limits
from grader.results import ExerciseResult

PRELUDE = "import math\nimport numpy as np\nimport torch\nimport torch.nn.functional as F\n\n"


class NotebookError(ValueError):
    pass


def _source(fn: types.FunctionType) -> str:
    try:
        return textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError) as exc:
        raise NotebookError(f"cannot read the source of {fn!r}: {exc}") from None


def _helpers(fn: types.FunctionType) -> list[str]:
    """Sources of the plain functions `fn` calls by global name (one level), from its own module."""
    sources = []
    for name in fn.__code__.co_names:
        value = fn.__globals__.get(name)
        if isinstance(value, types.FunctionType) and value is not fn and value.__module__ == fn.__module__:
            sources.append(_source(value))
    return sources


def submission_source(exercise: str, fn: Any) -> str:
    """A one-file submission defining exercise's function as `fn` does."""
    meta = exercises.get(exercise)
    if not isinstance(fn, types.FunctionType):
        raise NotebookError(f"check() needs a Python function, got {type(fn).__name__}")
    parts = [PRELUDE, *_helpers(fn), _source(fn)]
    if fn.__name__.isidentifier() and fn.__name__ != meta.function:
        parts.append(f"\n{meta.function} = {fn.__name__}\n")
    return "\n".join(parts)


@dataclass
class CheckResult:
    """What check() found; shows as a table in Jupyter and as text elsewhere."""

    exercise: ExerciseResult
    lang: str

    @property
    def passed(self) -> bool:
        return self.exercise.status == "passed"

    def _rows(self) -> list[tuple[str, bool, str]]:
        return [(c.name, c.passed, c.message) for c in self.exercise.checks]

    def __repr__(self) -> str:
        e = self.exercise
        lines = [f"{e.name}: {t('status_' + e.status, self.lang)} "
                 f"({sum(c.passed for c in e.checks)}/{len(e.checks)})"]
        if e.diagnosis:
            lines.append(pick(e.diagnosis["message"], self.lang))
        lines += [f"  {'✓' if ok else '✗'} {name}" + (f": {msg}" if msg else "") for name, ok, msg in self._rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = self.exercise
        colour = "#1a7f37" if self.passed else "#cf222e"
        head = (f"<p><b>{html.escape(e.name)}</b>: <span style='color:{colour}'>"
                f"{html.escape(t('status_' + e.status, self.lang))}</span></p>")
        if e.diagnosis:
            head += f"<p>{html.escape(pick(e.diagnosis['message'], self.lang))}</p>"
        rows = "".join(
            f"<tr><td>{'✓' if ok else '✗'}</td><td><code>{html.escape(name)}</code></td>"
            f"<td>{html.escape(msg)}</td></tr>" for name, ok, msg in self._rows())
        return head + f"<table><tr><th></th><th>check</th><th>message</th></tr>{rows}</table>"


def check(exercise: str, fn: Any, lang: str | None = None, timeout: float = Limits.call_timeout) -> CheckResult:
    """Grade ``fn`` as the learner's ``exercise`` (e.g. "k3") with the hidden checks."""
    if exercise not in exercises.names():
        raise NotebookError(f"unknown exercise {exercise!r}; the exercises are: {', '.join(exercises.names())}")
    lang = lang or detect_lang()
    with tempfile.TemporaryDirectory(prefix="kldrill-notebook-") as tmp:
        path = Path(tmp) / f"{exercises.get(exercise).function}.py"
        path.write_text(submission_source(exercise, fn), encoding="utf-8")
        result = grade(path, [exercise], lang=lang, limits=Limits(call_timeout=timeout),
                       label=f"{exercise} (notebook)")
    return CheckResult(result.exercises[0], lang)
