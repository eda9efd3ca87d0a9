"""User-facing text in English and Chinese: the language choice and the UI string table."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Mapping

from grader import datafile

LANGS = ("en", "zh")
LANG_KEY = "kldrill.lang"  # in a click context's meta: the command's --lang (grader/cli/help.py sets it)


def detect_lang(environ: Mapping[str, str] | None = None) -> str:
    """KLDRILL_LANG if set, else zh for a zh_* locale, else en."""
    env = os.environ if environ is None else environ
    explicit = env.get("KLDRILL_LANG", "").strip().lower()
    if explicit in LANGS:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def ambient_lang() -> str:
    """The language of the command running now (its --lang), for a note from deep in the library;
    outside a command (a notebook, a test), the environment's."""
    import sys

    click = sys.modules.get("click")  # never imported for this: a notebook has no command
    ctx = click.get_current_context(silent=True) if click is not None else None
    lang = ctx.meta.get(LANG_KEY) if ctx is not None else None
    return lang if lang in LANGS else detect_lang()


@lru_cache(maxsize=None)
def _table(name: str) -> dict[str, dict[str, str]]:
    return datafile.load(datafile.package(name))


def lookup(table: str, key: str, lang: str, **fields: object) -> str:
    """String `key` of grader/data/`table` in `lang` (falling back to English), formatted with `fields`.

    A field that is an OSError reads as its reason in ``lang`` (os_error).
    Plurals: when the field `count` is 1 and the table has `<key>_one`, that string is used instead
    ("1 question", not "1 questions"); its Chinese is the same as the plural's, Chinese has no plural.
    """
    entries = _table(table)
    if fields.get("count") == 1 and f"{key}_one" in entries:
        key = f"{key}_one"
    entry = entries[key]
    fields = {k: os_error(v, lang) if isinstance(v, OSError) else v for k, v in fields.items()}
    return entry.get(lang, entry["en"]).format(**fields)


def os_error(exc: OSError, lang: str) -> str:
    """Why an OS call failed, in ``lang``: the C library's words are English whatever the locale."""
    import errno

    entry = _table("ui.yaml").get(f"oserror_{errno.errorcode.get(exc.errno or 0)}")
    if lang != "en" and entry is not None:
        return pick(entry, lang)
    return exc.strerror or str(exc)


def t(key: str, lang: str, **fields: object) -> str:
    """The UI string `key` (grader/data/ui.yaml) in `lang`."""
    return lookup("ui.yaml", key, lang, **fields)


def pick(text: Mapping[str, str], lang: str) -> str:
    """One language out of a {en: ..., zh: ...} mapping from the data files."""
    return text.get(lang) or text["en"]


class Message:
    """String ``key`` of grader/data/``table`` with its fields, rendered once the language is known.

    A field may itself be a Message; it is rendered in the same language.
    """

    def __init__(self, key: str, table: str = "ui.yaml", **fields: Any) -> None:
        self.key, self.table, self.fields = key, table, fields

    def render(self, lang: str) -> str:
        fields = {k: v.render(lang) if isinstance(v, Message) else v for k, v in self.fields.items()}
        return lookup(self.table, self.key, lang, **fields)

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.fields!r})"


class KeyedError(Exception):
    """An error whose message is a string of the data files: ``key`` and its ``fields``, rendered by
    whoever catches it, once the language is known."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields
