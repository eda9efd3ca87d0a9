"""A learner's workspace: the stubs copied out of the package, and what the grader last said of them.

The learner's files and progress are never overwritten without an explicit ``force``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from grader import exercises, resources

STATE_FILE = ".kldrill-state.json"


class WorkspaceExists(Exception):
    def __init__(self, path: Path, files: list[str]) -> None:
        super().__init__(str(path))
        self.path, self.files = path, files


def stub(meta: exercises.Exercise, closed_book: bool = False) -> Path:
    """The stub a workspace starts from: the guided one (contract with the formula) or the closed-book one."""
    folder = resources.exercises_dir() / ("closed_book" if closed_book else "")
    return folder / meta.file


def init(directory: str | Path, force: bool = False, closed_book: bool = False,
         names: list[str] | None = None) -> list[Path]:
    """Copy the stubs of ``names`` (default: every exercise) into ``directory``; refuse if any of their
    files is there already (unless force). The state records which exercises are held closed-book."""
    target = Path(directory)
    chosen = [e for e in exercises.all_exercises() if names is None or e.name in names]
    existing = [e.file for e in chosen if (target / e.file).exists()]
    if existing and not force:
        raise WorkspaceExists(target, existing)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for meta in chosen:
        shutil.copyfile(stub(meta, closed_book), target / meta.file)
        written.append(target / meta.file)
    # The learner's progress survives a --force re-init; only how these exercises are held changes.
    state = load_state(target) if (target / STATE_FILE).exists() else {}
    state.setdefault("created_at", time.strftime("%Y-%m-%dT%H:%M:%S"))
    held = set(state.get("closed_book", [])) if isinstance(state.get("closed_book"), list) else set()
    held = held | {e.name for e in chosen} if closed_book else held - {e.name for e in chosen}
    state["closed_book"] = sorted(held)
    save_state(target, state)
    return written


def closed_book(directory: Path) -> set[str]:
    """The exercises of this workspace that are held closed-book."""
    held = load_state(directory).get("closed_book", [])
    return {n for n in held if isinstance(n, str)} if isinstance(held, list) else set()


BACKUP_DIR = ".kldrill-backups"


def backup(path: Path) -> Path:
    """Copy ``path`` into the workspace's backup folder under a new name (never over an earlier
    backup); the copy's path."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target, n = folder / f"{path.name}.bak-{stamp}", 1
    while target.exists():
        n += 1
        target = folder / f"{path.name}.bak-{stamp}-{n}"
    shutil.copy2(path, target)
    return target


def is_untouched_stub(path: Path, meta: exercises.Exercise) -> bool:
    """Whether ``path`` is byte for byte one of the exercise's stubs (guided or closed-book)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return any(data == stub(meta, closed).read_bytes() for closed in (False, True))


def is_workspace(directory: Path) -> bool:
    return any((directory / e.file).is_file() for e in exercises.all_exercises())


def load_state(directory: Path) -> dict:
    try:
        state = json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}  # no state yet, or unreadable: the learner's files are what matter


def save_state(directory: Path, state: dict) -> None:
    """Write atomically, so an interrupted write never leaves a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".kldrill-state-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=2, ensure_ascii=False)
    os.replace(tmp, directory / STATE_FILE)


def record_grades(directory: Path, statuses: dict[str, str]) -> None:
    """Remember the verdicts in a workspace made by `kldrill init`; other folders are left untouched."""
    if not (directory / STATE_FILE).is_file():
        return
    state = load_state(directory)
    graded = state.setdefault("exercises", {})
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    for name, status in statuses.items():
        graded[name] = {"status": status, "graded_at": now}
    save_state(directory, state)


def statuses(directory: Path) -> dict[str, str]:
    graded = load_state(directory).get("exercises", {})
    return {name: entry.get("status", "pending") for name, entry in graded.items() if isinstance(entry, dict)}


def next_exercise(directory: Path) -> exercises.Exercise | None:
    done = statuses(directory)
    return next((e for e in exercises.all_exercises() if done.get(e.name) != "passed"), None)
