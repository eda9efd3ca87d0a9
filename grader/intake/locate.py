"""Which file of a learner's folder defines each exercise, found by reading the files as data.

A folder is graded exercise by exercise. Its canonical file (``k1.py`` for k1, as a workspace holds it)
wins when present, so a workspace grades as it always did, even with k1 copied into k3.py as a helper.
Otherwise the exercise is looked for in every .py and .ipynb file of the folder, sub-folders included
(an LMS download nests them, names them ``solution.py`` or ``KL作业.py``): the file whose top-level code
defines its function or class (``def k1``, ``class AdaptiveKLController``, ``k1 = ...``). Two such files
are an error naming both, never a silent pick, unless they define it with the same code (a notebook beside
its "download as .py").

The files are untrusted: they are parsed with ``ast`` in the judge, never run, and only up to a size.
A file that cannot be parsed defines nothing visible; an exercise found nowhere is then graded from the
first such file, so that the learner's process reports its syntax error ("solution.py:3") instead of the
grader calling the function missing. Pure: no torch, no learner process.
"""

from __future__ import annotations

import ast
import itertools
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Left alone wherever they appear: what archivers, file managers, editors and Jupyter leave behind
# (``__MACOSX/._solution.py`` is AppleDouble metadata, not Python), and installed code.
JUNK = frozenset(name.lower() for name in ("__MACOSX", "__pycache__", ".ipynb_checkpoints", ".DS_Store",
                                           "Thumbs.db", "desktop.ini", "node_modules", "site-packages"))
MAX_ENTRIES = 5000  # folder entries looked at, in all: `kldrill grade ~` must not walk a home folder
MAX_DEPTH = 8
# Parsing is the judge's own time and memory: 128 KiB of one-line statements take ~0.5 s and ~100 MB to
# parse. A file beyond either cap defines nothing visible (its import, in the learner's process, still may).
MAX_PARSE_BYTES = 128 << 10  # per file (an honest solution is a few KiB, a notebook's code tens)
MAX_PARSE_TOTAL = 1 << 20  # per submission


def is_junk(name: str) -> bool:
    """An entry that is never a submission nor part of one (hidden entries included)."""
    return name.startswith(".") or name.lower() in JUNK


def is_candidate(name: str) -> bool:
    """A file name that may hold exercises: a Python file or a notebook."""
    return not is_junk(name) and (name.endswith(".py") or name.lower().endswith(".ipynb"))


def walk(root: Path) -> Iterator[Path]:
    """The candidate files under ``root``, shallowest first and by name within a folder.

    Junk is skipped, links to folders are not followed (a link to a file is yielded: the snapshot
    decides whether it stays inside), a virtual environment is not entered, and the walk stops after
    MAX_ENTRIES entries or MAX_DEPTH levels.
    """
    queue: deque[tuple[Path, int]] = deque([(root, 0)])
    left = MAX_ENTRIES
    while queue and left > 0:
        folder, depth = queue.popleft()
        try:
            with os.scandir(folder) as it:
                entries = sorted(itertools.islice(it, left), key=lambda e: e.name)
        except OSError:
            continue
        left -= len(entries)
        for entry in entries:
            if is_junk(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth < MAX_DEPTH and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                        queue.append((Path(entry.path), depth + 1))
                elif is_candidate(entry.name) and entry.is_file():
                    yield Path(entry.path)
            except OSError:
                continue


def has_candidates(root: Path) -> bool:
    return next(walk(root), None) is not None


def _bound(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _bound(element.value if isinstance(element, ast.Starred) else element)


def defined(source: bytes) -> dict[str, str] | None:
    """The names that ``source``'s top-level code binds by def, class or assignment, each with a dump
    of the code that binds it (the last binding, as import leaves it); None when it cannot be parsed
    (too big, a syntax error, NUL bytes, nesting too deep for the parser...)."""
    if len(source) > MAX_PARSE_BYTES:
        return None
    try:
        tree = ast.parse(source)  # bytes: the coding cookie and a BOM are honoured, as by import
        names: dict[str, str] = {}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names[node.name] = ast.dump(node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    names.update(dict.fromkeys(_bound(target), ast.dump(node.value)))
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                names.update(dict.fromkeys(_bound(node.target), ast.dump(node.value)))
    except Exception:  # noqa: BLE001 - SyntaxError, ValueError, RecursionError, MemoryError: all "unparseable"
        return None
    return names


@dataclass
class Candidate:
    """A file of the folder as the snapshot holds it: ``name`` its path inside the snapshot, ``shown``
    the learner's own path (relative to the folder), ``names`` what it defines (None: unparseable),
    ``problem`` why it could not be copied (a UI key and its fields), ``canonical`` whether it is some
    exercise's canonical file."""

    name: str | None
    shown: str
    names: dict[str, str] | None = None
    problem: tuple[str, dict] | None = None
    canonical: bool = False


def assign(functions: dict[str, str], canonical: dict[str, str], candidates: list[Candidate]
           ) -> tuple[dict[str, str], dict[str, tuple[str, dict]]]:
    """Each exercise's file: (exercise -> snapshot name, exercise -> why it is an error, as a UI key and
    its fields). ``functions``: exercise -> the name it defines; ``canonical``: exercise -> the snapshot
    name of its canonical file, for those present; ``candidates`` in walk order."""
    files: dict[str, str] = {}
    refused: dict[str, tuple[str, dict]] = {}
    fallback = next((c for c in candidates if not c.canonical and c.names is None), None)
    for exercise, function in functions.items():
        if exercise in canonical:
            files[exercise] = canonical[exercise]
            continue
        definers = [c for c in candidates if c.names is not None and function in c.names]
        # A helper of the same name inside another exercise's own file (k1 defined in k3.py for k3's use)
        # does not compete with a file that defines the exercise itself.
        definers = [c for c in definers if not c.canonical] or definers
        # One definition, or the same code in several files (a notebook and its "download as .py"):
        # nothing to choose between, the shallowest is graded.
        if definers and len({c.names[function] for c in definers}) == 1:
            files[exercise] = definers[0].name
        elif definers:
            refused[exercise] = ("defined_in_several", {
                "function": function, "count": len(definers), "files": ", ".join(c.shown for c in definers)})
        elif fallback is not None and fallback.problem is not None:
            refused[exercise] = fallback.problem
        elif fallback is not None:
            files[exercise] = fallback.name  # its import says what is wrong with it
    return files, refused
