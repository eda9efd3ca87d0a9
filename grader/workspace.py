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


def init(directory: str | Path, force: bool = False, tracks: "tuple[int, ...] | list[int] | None" = None
         ) -> list[Path]:
    """Copy the stubs into ``directory``; refuse if any exercise file is there already (unless force)."""
    target = Path(directory)
    # Only the chosen tracks' stubs (all of them by default); the files stay flat, one per exercise.
    sources = [resources.exercises_dir() / e.file for e in exercises.all_exercises() if not tracks or e.track in tracks]
    existing = [s.name for s in sources if (target / s.name).exists()]
    if existing and not force:
        raise WorkspaceExists(target, existing)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        shutil.copyfile(source, target / source.name)
        written.append(target / source.name)
    if not (target / STATE_FILE).exists():  # the learner's progress survives a --force re-init
        save_state(target, {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S")})
    return written


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
    # Only the exercises the workspace holds (`init --track 2` copies track 2's stubs alone).
    return next((e for e in exercises.all_exercises()
                 if done.get(e.name) != "passed" and (directory / e.file).is_file()), None)
