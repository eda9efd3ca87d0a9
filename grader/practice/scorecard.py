"""What a mock interview ends with: one row per exercise, in either language, and as JSON."""

from __future__ import annotations

from grader.reporting import style, table
from grader.practice.interview import ExerciseRun
from grader.practice.text import pt


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    minutes, secs = divmod(int(round(value)), 60)
    return f"{minutes}:{secs:02d}"


def _outcome(run: ExerciseRun, lang: str) -> str:
    if run.passed:
        return style.good(pt("outcome_passed", lang))
    if run.gave_up:
        return style.bad(pt("outcome_gave_up", lang))
    return style.status(pt("outcome_interrupted", lang), "error")


def _failures(run: ExerciseRun) -> str:
    return ", ".join(f"{key} ×{count}" for key, count in run.failures.most_common()) or "-"


def _due(run: ExerciseRun, lang: str) -> str:
    if run.next_due is None:
        return pt("due_not_rated", lang)
    return run.next_due.astimezone().strftime("%Y-%m-%d %H:%M")


def render(runs: list[ExerciseRun], lang: str, partial: bool = False) -> str:
    header = [pt(k, lang) for k in ("col_exercise", "col_outcome", "col_first_pass", "col_attempts", "col_hints",
                                    "col_followups", "col_rating", "col_next_due")]
    rows = [[r.name, _outcome(r, lang), _seconds(r.seconds_to_pass), str(r.attempts), str(r.hints),
             f"{r.followups_right}/{r.followups_asked}" if r.followups_asked else "-",
             pt(f"rating_{r.rating}", lang) if r.rating else "-", _due(r, lang)] for r in runs]
    lines = [pt("scorecard_partial" if partial else "scorecard_title", lang), "", table.render(header, rows)]
    failing = [r for r in runs if r.failures]
    if failing:
        lines.append("")
        lines += [pt("scorecard_failures", lang, name=r.name, failures=_failures(r)) for r in failing]
    return "\n".join(lines)


def to_json(runs: list[ExerciseRun], partial: bool = False) -> dict:
    return {"partial": partial, "exercises": [r.to_json() for r in runs]}
