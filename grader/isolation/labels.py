"""The isolation a verdict states, in words (modes.Plan.label -> a line in the reader's language).
Imports nothing of the isolation itself, so the report and the exports stay light."""

from __future__ import annotations

from grader.i18n import t

LABELS = ("sandbox", "namespaces+landlock", "namespaces", "uid+landlock", "uid", "user+landlock", "none")


def describe(label: str, lang: str) -> str:
    """What ``label`` kept the code from, in a few words ("" for a verdict where no code ran)."""
    if label not in LABELS:
        return ""
    return t(f"isolation_{label.replace('+', '_')}", lang)


def line(label: str, lang: str) -> str:
    """'isolation: ...' for the report and the exports ("" when no code ran)."""
    how = describe(label, lang)
    return t("isolation_line", lang, how=how) if how else ""
