"""A message whose language is chosen when it is shown (the lab's strings live in grader/data/lab.yaml)."""

from __future__ import annotations

from typing import Any

from grader.i18n import lookup


class Message:
    """String ``key`` of grader/data/``table`` with its fields; ``render(lang)`` formats it."""

    def __init__(self, key: str, table: str = "lab.yaml", **fields: Any) -> None:
        self.key, self.table, self.fields = key, table, fields

    def render(self, lang: str) -> str:
        fields = {k: v.render(lang) if hasattr(v, "render") else v for k, v in self.fields.items()}
        return lookup(self.table, self.key, lang, **fields)

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.fields!r})"
