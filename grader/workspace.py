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
BACKUP_DIR = ".kldrill-backups"


class WorkspaceExists(Exception):
    def __init__(self, path: Path, files: list[str]) -> None:
        super().__init__(str(path))
        self.path, self.files = path, files


def init(directory: str | Path, force: bool = False, backups: list[Path] | None = None) -> list[Path]:
    """Copy the stubs into ``directory``; refuse if any exercise file is there already (unless force).

    With force, each file replaced is first backed up (see ``backup``; the backups' paths are added to
    ``backups``) and its recorded verdict forgotten."""
    target = Path(directory)
    sources = [resources.exercises_dir() / e.file for e in exercises.all_exercises()]
    existing = [s.name for s in sources if (target / s.name).exists()]
    if existing and not force:
        raise WorkspaceExists(target, existing)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    replaced = []
    for e, source in zip(exercises.all_exercises(), sources):
        if (target / source.name).exists():
            # Nothing the learner wrote is lost to --force: it is kept aside first.
            kept = backup(target, source.name)
            if kept is not None and backups is not None:
                backups.append(kept)
            replaced.append(e.name)
        shutil.copyfile(source, target / source.name)
        written.append(target / source.name)
    if not (target / STATE_FILE).exists():  # the learner's progress survives a --force re-init
        save_state(target, {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S")})
    else:
        forget_grades(target, replaced)  # a verdict of a file that is gone would mislead `kldrill list`
    return written


def backup(directory: Path, file: str) -> Path | None:
    """Copy ``directory/file`` to a new file in ``directory/.kldrill-backups`` (never over an earlier
    backup); its path, or None when the file is already the stub (nothing of the learner's to keep)."""
    original = directory / file
    stub = resources.exercises_dir() / file
    try:
        data = original.read_bytes()
    except FileNotFoundError:
        return None
    if stub.is_file() and data == stub.read_bytes():
        return None
    folder = directory / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = folder / (f"{file}.{stamp}" + (f".{n}" if n else ""))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # O_EXCL: never overwrite
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path
    raise FileExistsError(str(folder / file))


def reset(directory: Path, name: str) -> Path | None:
    """Put exercise ``name``'s stub back in the workspace ``directory``, the learner's file backed up
    first, and forget its verdict; the backup's path (None if there was nothing to keep)."""
    meta = exercises.get(name)
    kept = backup(directory, meta.file)
    tmp = directory / f".{meta.file}.kldrill-reset.tmp"
    shutil.copyfile(resources.exercises_dir() / meta.file, tmp)
    os.replace(tmp, directory / meta.file)  # whole or not at all
    forget_grades(directory, [name])
    return kept


def forget_grades(directory: Path, names: list[str]) -> None:
    """Drop the recorded verdicts of ``names`` (their files were replaced); hints used stay recorded."""
    if not names or not (directory / STATE_FILE).is_file():
        return
    state = load_state(directory)
    graded = state.get("exercises")
    if isinstance(graded, dict) and any(n in graded for n in names):
        for n in names:
            graded.pop(n, None)
        save_state(directory, state)


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
