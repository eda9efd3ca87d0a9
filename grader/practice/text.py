"""Interview practice's user-facing strings, English and Chinese, from grader/data/practice.yaml."""

from __future__ import annotations

from grader.i18n import lookup


def pt(key: str, lang: str, **fields: object) -> str:
    """The practice string `key` in `lang` (falling back to English), formatted with `fields`."""
    return lookup("practice.yaml", key, lang, **fields)
