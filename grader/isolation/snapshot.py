"""A private copy of a submission, taken before any of its code runs.

The learner's process imports the copy, never the original: it is readable by the unprivileged uid
the code runs as, it cannot change under the judge while it is graded, and a link that leaves the
submission (into kl-drill's reference, say) is not followed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from grader import ipynb
from grader.isolation.hidden import hidden_paths

MAX_FILES = 200
MAX_BYTES = 8 * 1024 * 1024


def _inside(path: Path, root: Path) -> bool:
    return os.path.realpath(path) == str(root) or Path(os.path.realpath(path)).is_relative_to(root)


def _links_into_hidden(path: Path) -> bool:
    """A path that reaches kl-drill's own files through a link (the reference given by its real path,
    as `kldrill grade solutions` does, is fine)."""
    real = Path(os.path.realpath(path))
    return real != Path(os.path.abspath(path)) and any(real.is_relative_to(h) for h in hidden_paths())


def take(kind: str, path: Path, given: str, files: dict[str, Path], dest: Path,
         notebooks: dict | None = None) -> tuple[dict[str, str], dict[str, tuple[str, dict]]]:
    """Copy the submission at ``path`` into ``dest``.

    Returns (exercise -> file name inside ``dest``, exercise -> why its file was refused, as a UI
    message key and its fields). A workspace
    contributes its top-level .py files and its packages' .py files (helpers the learner imports).
    A notebook (.ipynb) is converted here, in the judge, to the .py the learner's process imports
    (grader/ipynb.py: read as data, never run); ``notebooks`` receives converted name -> (the
    notebook's name, its grader.ipynb.Converted), to say which cell an error points at.
    """
    dest.mkdir(mode=0o755)
    names: dict[str, str] = {}
    refused: dict[str, str] = {}
    if _links_into_hidden(Path(given)):
        return {}, {name: ("refused_link_hidden", {"path": given}) for name in files}
    root = path if kind == "workspace" else path.parent
    if kind == "file" and ipynb.is_notebook(path):
        target = f"{path.stem}.py" if path.stem.isidentifier() else "notebook.py"
        try:
            converted = ipynb.convert(path)
        except ipynb.NotebookFormatError as exc:
            return {}, {name: (exc.key, {**exc.fields, "path": path.name}) for name in files}
        (dest / target).write_text(converted.source, encoding="utf-8")
        os.chmod(dest / target, 0o644)
        if notebooks is not None:
            notebooks[target] = (path.name, converted)
        return {name: target for name in files}, {}
    if kind == "file":
        _copy(path, dest / path.name)
        return {name: path.name for name in files}, {}
    budget = [MAX_FILES, MAX_BYTES]
    for name, file in files.items():
        if not _inside(file, root):
            refused[name] = ("refused_link_outside", {"file": file.name})
    for entry in sorted(root.iterdir()):
        if not _inside(entry, root):
            continue
        if entry.is_file() and entry.suffix == ".py":
            _copy(entry, dest / entry.name, budget)
        elif entry.is_dir() and (entry / "__init__.py").is_file():
            for sub in sorted(entry.rglob("*.py")):
                if _inside(sub, root) and sub.is_file() and "__pycache__" not in sub.parts:
                    target = dest / sub.relative_to(root)
                    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
                    _copy(sub, target, budget)
    for name, file in files.items():
        if name not in refused:
            if (dest / file.name).is_file():
                names[name] = file.name
            else:
                refused[name] = ("refused_too_big", {"file": file.name, "files": MAX_FILES,
                                                     "mib": MAX_BYTES >> 20})
    return names, refused


def _copy(src: Path, dst: Path, budget: list[int] | None = None) -> None:
    size = src.stat().st_size
    if budget is not None:
        if budget[0] <= 0 or budget[1] < size:
            return
        budget[0] -= 1
        budget[1] -= size
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o644)
