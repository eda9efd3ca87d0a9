"""A workspace's ``.kldrill-state.json``, checked on load: what kl-drill remembers must never be lost to a
hand edit, a truncated write or a value of the wrong type, and must never crash a command.

A file that is not JSON, or not a JSON object, is renamed aside (``.kldrill-state.json.broken-<time>``)
and a fresh one started; a file with values of the wrong type (``"hints": {"k1": "many"}``) is copied
aside the same way and the values that are right are kept. Either way the user is told in one line on
stderr, once per file, in the language of the command (``notice``), and the original stays byte for byte.
Keys this version does not know are kept as they are (a newer kl-drill may have written them).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

from grader.i18n import Message, ambient_lang

STATE_FILE = ".kldrill-state.json"


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


# Per field of a drill record (grader/practice/drill_files.py), what its value must be.
_DRILL_FIELDS: dict[str, Callable[[Any], bool]] = {
    "mistake": _text, "style": _optional(lambda v: type(v) is int), "started_at": _text, "sha256": _text,
    "seed": _optional(lambda v: type(v) is int), "backup": _optional(_text), "checks": _count,
    "outcome": _optional(_text), "checked_at": _text, "fixed_at": _text, "fixed_sha256": _text,
}
_VERDICT_FIELDS: dict[str, Callable[[Any], bool]] = {"status": _text, "graded_at": _text}


def _clean_record(value: Any, fields: dict[str, Callable[[Any], bool]], where: str, problems: list[str]) -> Any:
    if not isinstance(value, dict):
        problems.append(where)
        return None
    kept = {}
    for key, item in value.items():
        check = fields.get(key)
        if check is not None and not check(item):
            problems.append(f"{where}.{key}")
            continue
        kept[key] = item
    return kept


def _clean_map(value: Any, where: str, problems: list[str], item: Callable[[Any, str], Any]) -> dict | None:
    """A {name: ...} section, each entry through ``item(value, where)`` (None: dropped)."""
    if not isinstance(value, dict):
        problems.append(where)
        return None
    kept = {}
    for name, entry in value.items():
        cleaned = item(entry, f"{where}.{name}")
        if cleaned is not None:
            kept[name] = cleaned
    return kept


def clean(state: Any) -> tuple[dict, list[str]]:
    """The state with every value of the wrong type dropped, and where each one was (``hints.k1``)."""
    if not isinstance(state, dict):
        return {}, ["(the whole file)"]
    problems: list[str] = []

    def count(value: Any, where: str) -> Any:
        if _count(value):
            return value
        problems.append(where)
        return None

    sections: dict[str, Callable[[Any], Any]] = {
        "created_at": lambda v: v if _text(v) else problems.append("created_at"),
        "interview": lambda v: v if isinstance(v, bool) else problems.append("interview"),
        "closed_book": lambda v: (v if isinstance(v, list) and all(_text(n) for n in v)
                                  else problems.append("closed_book")),
        "hints": lambda v: _clean_map(v, "hints", problems, count),
        "drill_turns": lambda v: _clean_map(v, "drill_turns", problems, count),
        "exercises": lambda v: _clean_map(v, "exercises", problems,
                                          lambda e, w: _clean_record(e, _VERDICT_FIELDS, w, problems)),
        "drills": lambda v: _clean_map(v, "drills", problems,
                                       lambda e, w: _clean_record(e, _DRILL_FIELDS, w, problems)),
    }
    kept = {}
    for key, value in state.items():
        cleaned = sections[key](value) if key in sections else value
        if cleaned is not None:
            kept[key] = cleaned
    return kept, problems


def _tell(message: Message) -> None:
    sys.stderr.write(f"kldrill: {message.render(ambient_lang())}\n")
    sys.stderr.flush()


notice: Callable[[Message], None] = _tell  # how the user is told (a test may replace it)
_told: set[tuple[str, str]] = set()


def _aside(path: Path, keep_original: bool) -> Path | None:
    """Move (or copy, with ``keep_original``) ``path`` to a new ``NAME.broken-<time>`` beside it; None if
    that is not possible (a read-only folder: then nothing is written over it either)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        target = path.with_name(f"{path.name}.broken-{stamp}" + (f".{n}" if n else ""))
        try:
            if keep_original:
                data = path.read_bytes()
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
            elif target.exists():
                continue
            else:
                try:
                    os.link(path, target)  # fails if target exists: never over an earlier one
                    os.unlink(path)
                except FileExistsError:
                    raise
                except OSError:  # a file system without hard links
                    os.rename(path, target)
            return target
        except FileExistsError:
            continue
        except OSError:
            return None
    return None


def load(directory: Path) -> dict:
    """The state of the workspace ``directory`` ({} if it has none), checked (see the module's doc)."""
    path = directory / STATE_FILE
    try:
        raw = path.read_bytes()
    except OSError:
        return {}  # no state yet (or unreadable): the learner's files are what matter
    broken: Message | None = None
    try:
        state = json.loads(raw.decode("utf-8"))
        if not isinstance(state, dict):
            broken = Message("state_not_object")
    except UnicodeDecodeError:
        broken = Message("state_not_utf8")
    except json.JSONDecodeError as exc:
        broken = Message("state_not_json", line=exc.lineno, column=exc.colno)
    if broken is not None:
        kept = _aside(path, keep_original=False)
        fresh = {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        if kept is not None:
            try:
                save(directory, fresh)  # still a workspace kl-drill made, for `list` and `grade`
            except OSError:
                pass
        _once(path, "broken", Message("state_broken", file=path, reason=broken, kept=kept.name if kept else None)
              if kept is not None else Message("state_broken_not_kept", file=path, reason=broken))
        return fresh
    cleaned, problems = clean(state)
    if problems:
        kept = _aside(path, keep_original=True)
        if kept is not None:
            try:
                save(directory, cleaned)
            except OSError:
                pass
        shown = ", ".join(problems[:3]) + (", …" if len(problems) > 3 else "")
        _once(path, "types", Message("state_wrong_types", file=path, where=shown, kept=kept.name)
              if kept is not None else Message("state_wrong_types_not_kept", file=path, where=shown))
    return cleaned


def _once(path: Path, kind: str, message: Message) -> None:
    key = (str(path.resolve()), kind)
    if key not in _told:
        _told.add(key)
        notice(message)


def save_or_tell(directory: Path, state: dict) -> bool:
    """``save``, but a folder that cannot be written (read-only, full) only costs the user one line
    (once per folder): the command's own output stands. Whether it was saved."""
    try:
        save(directory, state)
        return True
    except OSError as exc:
        _once(directory / STATE_FILE, "unsaved", Message("state_not_saved", path=directory / STATE_FILE, reason=exc))
        return False


def save(directory: Path, state: dict) -> None:
    """Write atomically, so an interrupted write never leaves a half-written file."""
    # A name of this process's own rather than tempfile's random one: tempfile costs `kldrill hint` 3 ms.
    tmp = directory / f".kldrill-state-{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=2, ensure_ascii=False)
    os.replace(tmp, directory / STATE_FILE)
