"""`kldrill init --notebook`: a practice notebook, one section per exercise.

Each section: a heading with the exercise's title, the stub (its contract in the docstring, guided or
closed-book: grader.learner.workspace.stub), and a cell that runs ``check("<name>", <function>)``. The notebook
is also a submission: ``kldrill grade practice.ipynb`` grades the functions it defines (the check
cells are left out there, grader/intake/ipynb.py).
"""

from __future__ import annotations

from pathlib import Path

from grader import exercises
from grader.i18n import pick, t

NOTEBOOK_NAME = "kl-drill.ipynb"


def build(closed_book: bool, lang: str):  # -> nbformat.NotebookNode
    import nbformat.v4 as v4

    from grader.learner.workspace import stub

    cells = [v4.new_markdown_cell(t("notebook_intro_closed_book" if closed_book else "notebook_intro", lang)),
             v4.new_code_cell("from grader.notebook import check")]
    for meta in exercises.all_exercises():
        title = pick(exercises.title(meta, closed_book), lang)
        cells.append(v4.new_markdown_cell(t("notebook_section", lang, title=title,
                                            function=meta.function)))
        cells.append(v4.new_code_cell(stub(meta, closed_book).read_text(encoding="utf-8").rstrip("\n")))
        cells.append(v4.new_code_cell(f'check("{meta.name}", {meta.function})'))
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(directory: Path, closed_book: bool, lang: str, force: bool = False) -> Path:
    """Write the practice notebook into ``directory``; FileExistsError if it is there (unless force)."""
    import nbformat

    path = directory / NOTEBOOK_NAME
    if path.exists() and not force:
        raise FileExistsError(str(path))
    directory.mkdir(parents=True, exist_ok=True)
    nbformat.write(build(closed_book, lang), str(path))
    return path
