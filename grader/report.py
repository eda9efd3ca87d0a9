"""The verdict as a learner reads it: a table, for each failure its first failing check (every one
with ``verbose``), and what the learner's code printed."""

from __future__ import annotations

from collections import Counter

from grader import style, table
from grader import exercises as exercises_meta
from grader.i18n import pick, t
from grader.results import ExerciseResult, GradeResult


def _function(name: str) -> str:
    """What the learner defines for exercise ``name`` (a function, or adaptive_kl_controller's class)."""
    from grader import exercises

    try:
        return exercises.get(name).function
    except KeyError:  # a result for an exercise this version does not know: its name will do
        return name


def _num(x: float) -> str:
    return f"{x:g}"


def render(result: GradeResult, lang: str, verbose: bool = False) -> str:
    rows = []
    for e in result.exercises:
        passed = sum(c.passed for c in e.checks)
        rows.append([e.name, _status(e, lang),
                     f"{passed}/{len(e.checks)}" if e.checks else "-", f"{_num(e.score)}/{_num(e.max_score)}"])
    total = t("total_line", lang, score=_num(result.score), max=_num(result.max_score))
    out = [style.dim(result.submission), "",
           table.render([t("col_exercise", lang), t("col_status", lang), t("col_checks", lang),
                         t("col_score", lang)], rows),
           style.bold(style.good(total) if result.all_passed else total)]
    details = []
    for e in result.exercises:
        if e.diagnosis:
            details.append(t("first_failure", lang, name=e.name, message=style.bold(pick(e.diagnosis["message"], lang))))
        failures = [c for c in e.checks if not c.passed]
        for failure in failures if verbose else failures[:1]:
            details.append(t("first_failure", lang, name=f"{e.name} · {failure.name}", message=failure.message))
        if not failures and e.status == "missing":
            details.append(t("first_failure", lang, name=e.name,
                             message=t(exercises_meta.missing_key(e.name), lang, function=_function(e.name))))
        if len(failures) > 1 and not verbose:
            details.append(style.dim("  " + t("more_failing_checks", lang, count=len(failures) - 1)))
    if details:
        out += ["", *details]
    for e in result.exercises:
        if e.output:
            out += ["", output_block(e, lang, verbose)]
    nxt = next((e for e in result.exercises if e.status != "passed"), None)
    out += ["", t("next_step", lang, name=nxt.name) if nxt else style.good(t("all_passed", lang))]
    return "\n".join(out)


def _status(e: ExerciseResult, lang: str) -> str:
    return style.status(t(f"status_{e.status}", lang), e.status)


SHOWN_LINES = 12  # of the learner's output per exercise in the table (all of it with -v, in --json)
SHOWN_WIDTH = 160


def output_block(e: ExerciseResult, lang: str, verbose: bool = True) -> str:
    """The learner's own output for ``e``, framed and indented so it cannot pass for the verdict."""
    lines = e.output.rstrip("\n").split("\n")
    # The judge's note that the output was cut (43 MiB printed, 2 KiB kept) stays in sight, below the lines.
    cut = tuple(t("output_truncated", lang, total="\0", kept="").split("\0")[0] for lang in ("en", "zh"))
    note = lines.pop() if len(lines) > 1 and lines[-1].startswith(cut) else None
    hidden = 0
    if not verbose and len(lines) > SHOWN_LINES:
        lines, hidden = lines[:SHOWN_LINES], len(lines) - SHOWN_LINES
    if not verbose:
        lines = [line if len(line) <= SHOWN_WIDTH else line[:SHOWN_WIDTH] + "…" for line in lines]
    shown = [style.dim(t("output_header", lang, name=e.name)), *(style.dim("  │ ") + line for line in lines)]
    if hidden:
        shown.append(style.dim("  │ " + t("output_more_lines", lang, count=hidden)))
    if note is not None:
        shown.append(style.dim("  │ " + note))
    return "\n".join([*shown, style.dim(t("output_footer", lang))])


def _cell(e: ExerciseResult | None, lang: str) -> str:
    return "-" if e is None else _status(e, lang)


def render_batch(results: list[GradeResult], names: list[str], lang: str) -> str:
    """A class at a glance: a row per submission (status per exercise, total), then the class summary."""
    rows = []
    for r in results:
        by_name = {e.name: e for e in r.exercises}
        rows.append([r.submission, *(_cell(by_name.get(n), lang) for n in names),
                     f"{_num(r.score)}/{_num(r.max_score)}"])
    out = [table.render([t("col_submission", lang), *names, t("total", lang)], rows), ""]
    out += summary_lines(results, names, lang)
    return "\n".join(out)


def summary_lines(results: list[GradeResult], names: list[str], lang: str, top: int = 5) -> list[str]:
    """How many passed everything, the mean score, passes per exercise, the most common diagnoses."""
    n = len(results)
    if n == 0:
        return [t("batch_empty", lang)]
    everything = sum(r.all_passed for r in results)
    mean = sum(r.score for r in results) / n
    max_score = max(r.max_score for r in results)
    passed = {name: sum(1 for r in results for e in r.exercises if e.name == name and e.status == "passed")
              for name in names}
    counts = Counter((e.diagnosis["id"], e.name) for r in results for e in r.exercises if e.diagnosis)
    common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    lines = [t("batch_summary", lang, count=n, everything=everything, mean=f"{mean:.2f}", max=_num(max_score)),
             t("batch_per_exercise", lang, passes=", ".join(f"{name} {passed[name]}/{n}" for name in names))]
    if common:
        lines.append(t("batch_diagnoses", lang,
                       diagnoses=", ".join(f"{d} ({ex}) ×{c}" for (d, ex), c in common)))
    else:
        lines.append(t("batch_no_diagnoses", lang))
    return lines
