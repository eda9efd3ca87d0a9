"""The verdict as a learner reads it: a table, for each failure its first failing check (every one
with ``verbose``), and what the learner's code printed."""

from __future__ import annotations

from collections import Counter

from grader import exercises as exercises_meta
from grader.reporting import style, table
from grader.judging import safe_text
from grader.isolation import labels
from grader.i18n import pick, t
from grader.judging.results import ExerciseResult, GradeResult


def _function(name: str) -> str:
    """What the learner defines for exercise ``name`` (a function, or adaptive_kl_controller's class)."""
    from grader import exercises

    try:
        return exercises.get(name).function
    except KeyError:  # a result for an exercise this version does not know: its name will do
        return name


def _num(x: float) -> str:
    return f"{x:g}"


def _core_cell(e: ExerciseResult) -> str:
    """Core checks passed / core checks (the convention checks are counted in their own column)."""
    core = [c for c in e.checks if c.tier == "core"]
    return f"{sum(not c.core_failure for c in core)}/{len(core)}" if core else "-"


def _conventions_cell(e: ExerciseResult) -> str:
    return f"{len(e.conventions) - len(e.missed)}/{len(e.conventions)}" if e.conventions and e.checks else "-"


def render(result: GradeResult, lang: str, verbose: bool = False) -> str:
    result = safe_text.result(result)  # nothing the submission wrote may move the cursor or clear the screen
    rows = [[e.name, status_cell(e, lang), _core_cell(e), _conventions_cell(e), f"{_num(e.score)}/{_num(e.max_score)}"]
            for e in result.exercises]
    total = t("total_line", lang, score=_num(result.score), max=_num(result.max_score))
    out = [style.dim(result.submission), "",
           table.render([t("col_exercise", lang), t("col_status", lang), t("col_core", lang),
                         t("col_conventions", lang), t("col_score", lang)], rows),
           style.bold(style.good(total) if result.all_passed else total)]
    if isolation := labels.line(result.isolation, lang):
        out.append(style.bad(isolation) if result.isolation == "none" else style.dim(isolation))
    details = []
    if any(_starred(e) for e in result.exercises):
        from grader.conventions import core_share

        details.append(style.dim(t("passed_star_note", lang, share=f"{core_share():.0%}")))
    elif result.strict and any(e.core and e.status == "failed" for e in result.exercises):
        details.append(style.dim(t("strict_note", lang)))
    noted: set[str] = set()  # conventions whose frameworks note is shown already
    for e in result.exercises:
        details += exercise_details(e, lang, verbose, noted)
    if details:
        out += ["", *details]
    for e in result.exercises:
        if e.output:
            out += ["", output_block(e, lang, verbose)]
    nxt = next((e for e in result.exercises if e.status != "passed"), None)
    out += ["", t("next_step", lang, name=nxt.name) if nxt else style.good(t("all_passed", lang))]
    return "\n".join(out)


def exercise_details(e: ExerciseResult, lang: str, verbose: bool = False, noted: set[str] | None = None
                     ) -> list[str]:
    """What went wrong in ``e``: its diagnosis, its first core failure (every failure with ``verbose``),
    then, once the maths is right (or with ``verbose``), each convention it missed, with the frameworks
    that choose otherwise (once per convention in ``noted``)."""
    lines = []
    if e.diagnosis:
        lines.append(t("first_failure", lang, name=e.name, message=style.bold(pick(e.diagnosis["message"], lang))))
        lines += [t("diagnosis_also", lang, message=pick(a["message"], lang)) for a in e.named_beside]
    core = [c for c in e.checks if c.core_failure]
    for failure in core if verbose else core[:1]:
        # (a message's later lines indented: a learner's multi-line exception cannot pass for the table)
        lines.append(t("first_failure", lang, name=f"{e.name} · {failure.name}",
                       message=indent_later_lines(failure.message)))
    if len(core) > 1 and not verbose:
        lines.append(style.dim("  " + t("more_failing_checks", lang, count=len(core) - 1)))
    if not e.checks and e.status == "missing":
        lines.append(t("first_failure", lang, name=e.name,
                       message=t(exercises_meta.missing_key(e.name), lang, function=_function(e.name))))
    for missed in e.missed if e.core or verbose else []:
        lines += convention_lines(e, missed.id, lang, verbose, note=noted is None or missed.id not in noted)
        if noted is not None:
            noted.add(missed.id)
    return lines


def indent_later_lines(message: str) -> str:
    """A message's later lines indented (already indented ones, a syntax error's line and caret, as they
    are): a learner's multi-line exception cannot pass for the table."""
    first, *rest = message.split("\n")
    return "\n".join([first, *(line if line.startswith("    ") else "    " + line for line in rest)])


def convention_lines(e: ExerciseResult, convention: str, lang: str, verbose: bool = False, note: bool = True
                     ) -> list[str]:
    """A missed convention: its name and the first check that shows it (every one with ``verbose``), then,
    dim (with ``note``), who chooses otherwise and what this exercise asks for."""
    from grader import conventions

    try:
        known = conventions.get(convention)
    except KeyError:  # a verdict from another version of kl-drill
        name, text = convention, ""
    else:
        name = pick(known.name, lang)
        text = t("convention_note", lang, frameworks=pick(known.frameworks, lang), rule=pick(known.rule, lang))
    label = f"{e.name} · {t('convention_label', lang, name=name)}"
    if verbose:
        lines = [t("first_failure", lang, name=f"{label} · {c.name}", message=c.notes.get(convention, c.message))
                 for c in e.checks if convention in c.conventions]
    else:
        message = next((c.message for c in e.conventions if c.id == convention), "")
        lines = [t("first_failure", lang, name=label, message=message)]
    if note and text:
        lines.append(style.dim("  " + text))
    return lines


def _starred(e: ExerciseResult) -> bool:
    """Passed on the maths, with conventions missed: shown as passed*."""
    return e.status == "passed" and bool(e.missed)


def status_cell(e: ExerciseResult, lang: str) -> str:
    return style.status(t(f"status_{e.status}", lang) + ("*" if _starred(e) else ""), e.status)


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
    return "-" if e is None else status_cell(e, lang)


def render_batch(results: list[GradeResult], names: list[str], lang: str) -> str:
    """A class at a glance: a row per submission (status per exercise, total), then the class summary."""
    results = [safe_text.result(r) for r in results]
    rows = []
    for r in results:
        by_name = {e.name: e for e in r.exercises}
        rows.append([r.submission, *(_cell(by_name.get(n), lang) for n in names),
                     f"{_num(r.score)}/{_num(r.max_score)}"])
    out = [table.render([t("col_submission", lang), *names, t("total", lang)], rows), ""]
    out += summary_lines(results, names, lang)
    for label in dict.fromkeys(r.isolation for r in results):
        if isolation := labels.line(label, lang):
            out.append(style.bad(isolation) if label == "none" else style.dim(isolation))
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
