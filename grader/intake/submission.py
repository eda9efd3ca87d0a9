"""What is being graded: a folder (a workspace, one file per exercise, or a student's folder of any .py
and .ipynb files: grader/intake/locate.py), a single .py file, or a Jupyter notebook (.ipynb, converted to
Python in the snapshot: grader/intake/ipynb.py)."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

from grader import exercises
from grader.intake import locate
from grader.i18n import KeyedError


class SubmissionError(KeyedError):
    """The path cannot be graded; ``key`` and ``fields`` name the UI message (grader/data/ui.yaml)."""

    def reason(self, lang: str) -> str:
        """Why, as the submission's verdict says it (a batch entry, Gradescope's results.json): to the
        student, who needs no `kldrill init`, but to know what the folder held instead."""
        from grader.i18n import t

        if self.key != "no_workspace":
            return t(self.key, lang, **self.fields)
        held = list(self.fields.get("holds") or [])
        holds = t("holds_files", lang, files=", ".join(held)) if held else t("holds_nothing", lang)
        return t("submission_no_python", lang, path=self.fields["path"], holds=holds)


@dataclass(frozen=True)
class Submission:
    path: Path
    kind: str  # "workspace" (any folder) or "file"
    # exercise name -> the file that defines it: a file's every exercise, a folder's canonical files
    # (its other files are read for what they define in the judge, from the snapshot)
    files: dict[str, Path] = field(default_factory=dict)
    given: str = ""  # the path as the user gave it (before links were resolved)


def resolve(path: str | Path) -> Submission:
    p = Path(path).expanduser()
    if not p.exists():
        raise SubmissionError("path_missing", path=str(path))
    p = p.resolve()
    if p.is_dir():
        files = {e.name: p / e.file for e in exercises.all_exercises() if (p / e.file).is_file()}
        if not files and not locate.has_candidates(p):
            raise SubmissionError("no_workspace", path=str(path), holds=_holds(p))
        return Submission(path=p, kind="workspace", files=files, given=str(path))
    if p.suffix == ".ipynb":
        from grader.intake.ipynb import NotebookFormatError, read_cells

        try:
            read_cells(p)  # read as data only: a malformed notebook is one clear line, here
        except NotebookFormatError as exc:
            raise SubmissionError(exc.key, **{**exc.fields, "path": str(path)}) from None
    elif p.suffix != ".py":
        raise SubmissionError("not_python", path=str(path))
    return Submission(path=p, kind="file", files={name: p for name in exercises.names()}, given=str(path))


def _holds(folder: Path, most: int = 5) -> list[str]:
    """The first few names in ``folder`` (junk aside), to say what a folder with nothing to grade holds."""
    try:
        with os.scandir(folder) as it:
            names = sorted(e.name for e in itertools.islice(it, 1000) if not locate.is_junk(e.name))
    except OSError:
        return []
    return names[:most] + (["..."] if len(names) > most else [])
