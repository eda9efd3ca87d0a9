"""A learner's workspace: the stubs copied out of the package, and what the grader last said of them.

The learner's files and progress are never overwritten without an explicit ``force``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from grader import exercises, resources
from grader.learner import state_file
from grader.learner.state_file import STATE_FILE

BACKUP_DIR = ".kldrill-backups"


def copyfile(source: Path, target: Path) -> None:
    import shutil  # here, not at the top: `kldrill list` and `hint` copy nothing (start-up time)

    shutil.copyfile(source, target)


class WorkspaceExists(Exception):
    def __init__(self, path: Path, files: list[str]) -> None:
        super().__init__(str(path))
        self.path, self.files = path, files


def stub(meta: exercises.Exercise, closed_book: bool = False) -> Path:
    """The stub a workspace starts from: the guided one (contract with the formula) or the closed-book one."""
    folder = resources.exercises_dir() / ("closed_book" if closed_book else "")
    return folder / meta.file


def init(directory: str | Path, force: bool = False, closed_book: bool = False,
         names: list[str] | None = None, backups: list[Path] | None = None,
         tracks: "tuple[int, ...] | list[int] | None" = None) -> list[Path]:
    """Copy the stubs of ``names`` (default: every exercise; with ``tracks``, those tracks' exercises) into
    ``directory`` (the files stay flat, one per exercise); refuse if any of their
    files is there already (unless force). The state records which exercises are held closed-book.

    With force, each file replaced is first backed up (see ``backup``; the backups' paths are added to
    ``backups``) and its recorded verdict forgotten."""
    target = Path(directory)
    chosen = [e for e in exercises.all_exercises()
              if (names is None or e.name in names) and (not tracks or e.track in tracks)]
    existing = [e.file for e in chosen if (target / e.file).exists()]
    if existing and not force:
        raise WorkspaceExists(target, existing)
    target.mkdir(parents=True, exist_ok=True)
    written, replaced = [], []
    for meta in chosen:
        if (target / meta.file).exists():
            # Nothing the learner wrote is lost to --force: it is kept aside first.
            kept = backup(target, meta.file)
            if kept is not None and backups is not None:
                backups.append(kept)
            replaced.append(meta.name)
        copyfile(stub(meta, closed_book), target / meta.file)
        written.append(target / meta.file)
    # The learner's progress survives a --force re-init; only how these exercises are held changes,
    # and a verdict of a file that is gone would mislead `kldrill list`.
    state = load_state(target) if (target / STATE_FILE).exists() else {}
    state.setdefault("created_at", time.strftime("%Y-%m-%dT%H:%M:%S"))
    held = set(state.get("closed_book", [])) if isinstance(state.get("closed_book"), list) else set()
    held = held | {e.name for e in chosen} if closed_book else held - {e.name for e in chosen}
    state["closed_book"] = sorted(held)
    graded = state.get("exercises")
    if isinstance(graded, dict):
        for name in replaced:
            graded.pop(name, None)
    save_state(target, state)
    return written


def closed_book(directory: Path) -> set[str]:
    """The exercises of this workspace that are held closed-book."""
    held = load_state(directory).get("closed_book", [])
    return {n for n in held if isinstance(n, str)} if isinstance(held, list) else set()


def is_untouched_stub(path: Path, meta: exercises.Exercise) -> bool:
    """Whether ``path`` is byte for byte one of the exercise's stubs (guided or closed-book)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return any(data == stub(meta, closed).read_bytes() for closed in (False, True))


def backup(directory: Path, file: str) -> Path | None:
    """Copy ``directory/file`` to a new file in ``directory/.kldrill-backups`` (never over an earlier
    backup); its path, or None when the file is one of the stubs (nothing of the learner's to keep)."""
    original = directory / file
    try:
        data = original.read_bytes()
    except FileNotFoundError:
        return None
    meta = next((e for e in exercises.all_exercises() if e.file == file), None)
    if meta is not None and is_untouched_stub(original, meta):
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
    """Put exercise ``name``'s stub back in the workspace ``directory`` (the closed-book one where it is
    held closed-book), the learner's file backed up first, and forget its verdict; the backup's path
    (None if there was nothing to keep)."""
    meta = exercises.get(name)
    kept = backup(directory, meta.file)
    tmp = directory / f".{meta.file}.kldrill-reset.tmp"
    copyfile(stub(meta, name in closed_book(directory)), tmp)
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


def held(directory: Path) -> list[str]:
    """The exercises a workspace made by `kldrill init` holds (their files are there), in order; every
    exercise for any other folder (a student's, where a file not handed in is a zero, not a choice)."""
    if not (directory / STATE_FILE).is_file():
        return exercises.names()
    present = [e.name for e in exercises.all_exercises() if (directory / e.file).is_file()]
    return present or exercises.names()


def is_workspace(directory: Path) -> bool:
    return any((directory / e.file).is_file() for e in exercises.all_exercises())


def load_state(directory: Path) -> dict:
    """The workspace's state, checked: a broken file is kept aside, never lost (grader/learner/state_file.py)."""
    return state_file.load(directory)


def save_state(directory: Path, state: dict) -> None:
    """Write atomically, so an interrupted write never leaves a half-written file."""
    state_file.save(directory, state)


def save_state_or_tell(directory: Path, state: dict) -> bool:
    """Save the state; where the folder cannot be written, say so in one line instead (see
    state_file.save_or_tell). Whether it was saved."""
    return state_file.save_or_tell(directory, state)


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
    # Only the exercises the workspace holds (`init --track 2` copies track 2's stubs alone).
    return next((e for e in exercises.all_exercises()
                 if done.get(e.name) != "passed" and (directory / e.file).is_file()), None)
