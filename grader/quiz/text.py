"""The quiz's user-facing strings, English and Chinese, from grader/data/quiz.yaml.

A separate table from ui.yaml so the quiz's many strings do not crowd the grader's.
"""

from __future__ import annotations

from grader.i18n import lookup


def qt(key: str, lang: str, **fields: object) -> str:
    """The quiz string `key` in `lang` (falling back to English), formatted with `fields`."""
    return lookup("quiz.yaml", key, lang, **fields)
