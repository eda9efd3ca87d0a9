"""A private copy of a submission, taken before any of its code runs.

The learner's process imports the copy, never the original: it is private (folders 0700, files 0600,
handed to the submission's own uid by the session as root), it cannot change under the judge while it
is graded, and a link that leaves the submission (into kl-drill's reference, say) is not followed.
"""

from __future__ import annotations

import keyword
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader import exercises
from grader.intake import ipynb, locate
from grader.isolation.hidden import hidden_paths

MAX_FILES = 200
MAX_BYTES = 8 * 1024 * 1024


@dataclass
class Taken:
    """What the snapshot holds, for the session: ``names`` exercise -> file inside the snapshot (a path
    relative to it), ``refused`` exercise -> why it is an error (a UI key and its fields), ``notebooks``
    converted file -> (the notebook's own path, its grader.intake.ipynb.Converted), to say which cell an error
    points at, and ``shown`` file inside the snapshot -> the learner's own path, where they differ."""

    names: dict[str, str] = field(default_factory=dict)
    refused: dict[str, tuple[str, dict]] = field(default_factory=dict)
    notebooks: dict[str, tuple[str, ipynb.Converted]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)


def _inside(path: Path, root: Path) -> bool:
    return os.path.realpath(path) == str(root) or Path(os.path.realpath(path)).is_relative_to(root)


def _links_into_hidden(path: Path) -> bool:
    """A path that reaches kl-drill's own files through a link (the reference given by its real path,
    as `kldrill grade solutions` does, is fine)."""
    real = Path(os.path.realpath(path))
    return real != Path(os.path.abspath(path)) and any(real.is_relative_to(h) for h in hidden_paths())


def take(kind: str, path: Path, given: str, files: dict[str, Path], dest: Path) -> Taken:
    """Copy the submission at ``path`` into ``dest`` and say which file defines each exercise.

    A single file defines every exercise (``files``); a notebook (.ipynb) is converted here, in the
    judge, to the .py the learner's process imports (grader/intake/ipynb.py: read as data, never run). A folder
    contributes its .py files, sub-folders included (helpers the learner imports), and its notebooks,
    converted; ``files`` holds its canonical files, and the others are read for what they define
    (grader/intake/locate.py), here, in the copy, which no learner code can change first.
    """
    dest.mkdir(mode=0o700)
    if _links_into_hidden(Path(given)):
        return Taken(refused={name: ("refused_link_hidden", {"path": given}) for name in files})
    if kind == "file" and ipynb.is_notebook(path):
        target = f"{path.stem}.py" if path.stem.isidentifier() else "notebook.py"
        try:
            converted = ipynb.convert(path)
        except ipynb.NotebookFormatError as exc:
            return Taken(refused={name: (exc.key, {**exc.fields, "path": path.name}) for name in files})
        _write(dest / target, converted.source)
        return Taken(names={name: target for name in files}, notebooks={target: (path.name, converted)})
    if kind == "file":
        _copy(path, dest / path.name)
        return Taken(names={name: path.name for name in files})
    return _take_folder(path, files, dest)


@dataclass
class _Room:
    """What is left of a folder's budgets: files and bytes copied, bytes parsed, notebook bytes read."""

    files: int = MAX_FILES
    bytes: int = MAX_BYTES
    parse: int = locate.MAX_PARSE_TOTAL
    notebooks: int = 2 * ipynb.MAX_NOTEBOOK_BYTES  # each is read whole, outputs (plots) and all

    def take(self, size: int) -> bool:
        if self.files <= 0 or self.bytes < size:
            return False
        self.files -= 1
        self.bytes -= size
        return True


def _take_folder(root: Path, files: dict[str, Path], dest: Path) -> Taken:
    taken, room = Taken(), _Room()
    canonical: dict[str, str] = {}
    for name, file in files.items():  # first, so that no helper takes their room in the budget
        if not _inside(file, root):
            taken.refused[name] = ("refused_link_outside", {"file": file.name})
        elif _copy(file, dest / file.name, room):
            canonical[name] = file.name
        else:
            taken.refused[name] = ("refused_too_big", {"file": file.name, "files": MAX_FILES,
                                                       "mib": MAX_BYTES >> 20})
    own = {e.file for e in exercises.all_exercises()}
    candidates: list[locate.Candidate] = []
    for number, file in enumerate(locate.walk(root)):
        if file.parent != root or file.name not in own:
            try:
                candidates.append(_candidate(file, root, number, dest, room, taken))
            except OSError as exc:  # unreadable, or gone since the walk: this file only
                candidates.append(locate.Candidate(None, file.relative_to(root).as_posix(), problem=(
                    "refused_unreadable", {"file": file.relative_to(root).as_posix(),
                                           "reason": exc.strerror or type(exc).__name__})))
        elif file.name in canonical.values():  # copied above; it may define other exercises too
            candidates.append(locate.Candidate(file.name, file.name, _defined(dest / file.name, room),
                                               canonical=True))
    functions = {e.name: e.function for e in exercises.all_exercises() if e.name not in taken.refused}
    taken.names, refused = locate.assign(functions, canonical, candidates)
    taken.refused.update(refused)
    return taken


def _candidate(file: Path, root: Path, number: int, dest: Path, room: _Room, taken: Taken) -> locate.Candidate:
    """Copy one of a folder's files (a notebook converted) into the snapshot, and read what it defines."""
    rel = file.relative_to(root)
    shown = rel.as_posix()
    if not _inside(file, root):
        return locate.Candidate(None, shown, problem=("refused_link_outside", {"file": shown}))
    notebook = ipynb.is_notebook(file)
    # A name `import` cannot spell (hw1-kl.py, my solution.py) or a notebook's conversion: a name of
    # ours, unique in the snapshot; errors still name the learner's file (Taken.shown, .notebooks).
    target = rel if _importable(rel.stem) and not notebook else rel.with_name(f"_kldrill_{number}.py")
    (dest / target).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    too_big = ("refused_too_big", {"file": shown, "files": MAX_FILES, "mib": MAX_BYTES >> 20})
    if notebook:
        try:
            size = file.stat().st_size
            if size > room.notebooks:
                raise ipynb.NotebookFormatError("notebook_too_big", mib=ipynb.MAX_NOTEBOOK_BYTES >> 20)
            room.notebooks -= size
            converted = ipynb.convert(file, parse_limit=max(0, min(room.parse, locate.MAX_PARSE_BYTES)))
            room.parse -= converted.parsed
        except ipynb.NotebookFormatError as exc:
            return locate.Candidate(None, shown, problem=(exc.key, {**exc.fields, "path": shown}))
        if not _write(dest / target, converted.source, room):
            return locate.Candidate(None, shown, problem=too_big)
        taken.notebooks[target.as_posix()] = (shown, converted)
    else:
        if not _copy(file, dest / target, room):
            return locate.Candidate(None, shown, problem=too_big)
        if target != rel:
            taken.shown[target.as_posix()] = shown
    return locate.Candidate(target.as_posix(), shown, _defined(dest / target, room))


def _importable(stem: str) -> bool:
    """Whether ``import stem`` can name the file: otherwise it is copied under a name of ours."""
    return stem.isidentifier() and not keyword.iskeyword(stem)


def _defined(path: Path, room: _Room) -> dict[str, str] | None:
    """What the copy at ``path`` defines, while the submission's parse budget lasts."""
    try:
        source = path.read_bytes()
    except OSError:
        return None
    if len(source) > min(room.parse, locate.MAX_PARSE_BYTES):
        return None
    room.parse -= len(source)
    return locate.defined(source)


def _copy(src: Path, dst: Path, room: _Room | None = None) -> bool:
    """Copy ``src`` if there is room for it; whether it was copied."""
    if room is not None and not room.take(src.stat().st_size):
        return False
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)
    return True


def _write(dst: Path, text: str, room: _Room | None = None) -> bool:
    data = text.encode("utf-8")
    if room is not None and not room.take(len(data)):
        return False
    dst.write_bytes(data)
    os.chmod(dst, 0o600)
    return True
