"""The verdict as a learner reads it: a table, and for each failure its first failing check."""

from __future__ import annotations

from grader import table
from grader.i18n import pick, t
from grader.results import GradeResult


def _num(x: float) -> str:
    return f"{x:g}"


def render(result: GradeResult, lang: str) -> str:
    rows = []
    for e in result.exercises:
        passed = sum(c.passed for c in e.checks)
        rows.append([e.name, t(f"status_{e.status}", lang),
                     f"{passed}/{len(e.checks)}" if e.checks else "-", f"{_num(e.score)}/{_num(e.max_score)}"])
    out = [result.submission, "",
           table.render([t("col_exercise", lang), t("col_status", lang), t("col_checks", lang),
                         t("col_score", lang)], rows),
           f"{t('total', lang)}: {_num(result.score)}/{_num(result.max_score)}"]
    details = []
    for e in result.exercises:
        if e.diagnosis:
            details.append(f"{e.name}: {pick(e.diagnosis['message'], lang)}")
        failure = e.first_failure()
        if failure is not None:
            details.append(t("first_failure", lang, name=f"{e.name} · {failure.name}", message=failure.message))
        elif e.status == "missing":
            details.append(f"{e.name}: " + t("missing_function", lang, function=e.name))
    if details:
        out += ["", *details]
    nxt = next((e for e in result.exercises if e.status != "passed"), None)
    out += ["", t("next_step", lang, name=nxt.name) if nxt else t("all_passed", lang)]
    return "\n".join(out)
