"""The quiz's user-facing strings, English and Chinese, from grader/data/quiz.yaml.

A separate table from ui.yaml so the quiz's many strings do not crowd the grader's; same format and
the same English fallback as grader.i18n.t.
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from grader.resources import package_data


@lru_cache(maxsize=None)
def _table() -> dict[str, dict[str, str]]:
    return yaml.safe_load(package_data("quiz.yaml").read_text(encoding="utf-8"))


def qt(key: str, lang: str, **fields: object) -> str:
    """The quiz string `key` in `lang` (falling back to English), formatted with `fields`."""
    entry = _table()[key]
    return entry.get(lang, entry["en"]).format(**fields)
