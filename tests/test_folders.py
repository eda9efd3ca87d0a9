"""A folder is graded whatever its files are called: each exercise from its canonical file, else from
the one .py or .ipynb file that defines it (grader/intake/locate.py), graded end to end through the CLI.

The folders are graded as one batch (one judge), in both isolation modes where bubblewrap works.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import EXERCISES, SOLUTIONS, kldrill
from grader.judging.grading import use_sandbox

GRADED = ["k1", "k2", "k3", "grpo_kl"]
MODES = [pytest.param("--sandbox", marks=pytest.mark.skipif(use_sandbox(None) is False,
                                                            reason="bubblewrap cannot run here")),
         "--no-sandbox"]
RAISES_AT_4 = "import torch\n\ndef k2(log_p, log_q):\n    raise ValueError('not yet')\n"


def solution(*names: str) -> str:
    return "\n\n".join((SOLUTIONS / f"{n}.py").read_text() for n in names)


def notebook(path: Path, *cells: str) -> None:
    nbformat.write(new_notebook(cells=[new_markdown_cell("# KL"), *(new_code_cell(c) for c in cells)]), str(path))


def folders(root: Path) -> Path:
    def put(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    # Names `import` cannot spell, and a sub-folder whose file imports its sibling.
    put("renamed/hw1-kl.py", solution("k1"))
    put("renamed/my solution.py", RAISES_AT_4)
    put("renamed/submission/solution.py", "import torch\nfrom helpers import log_ratio\n\n\n"
        "def k3(log_p, log_q):\n    lr = log_ratio(log_p, log_q)\n    return torch.expm1(lr) - lr\n")
    put("renamed/submission/helpers.py", "def log_ratio(log_p, log_q):\n    return log_p - log_q\n")
    # The only candidate does not parse: the learner is told where, not "missing".
    put("syntax/solution.py", "import torch\n\ndef k1(log_p, log_q)\n    return log_q - log_p\n")
    put("syntax/README.md", "my homework\n")
    # Two files define k1: an error naming both; k3 is found in a third.
    put("twice/a.py", solution("k1"))
    put("twice/notes/b.py", "def k1(log_p, log_q):\n    return log_p - log_q\n")
    put("twice/kl3.py", solution("k3"))
    # A workspace, as `kldrill init` leaves it, with k1 copied into k3.py as a helper and a wrong k1 in
    # scratch.py: the canonical files decide, as they always did.
    put("workspace/k1.py", solution("k1"))
    put("workspace/k3.py", solution("k1", "k3"))
    put("workspace/scratch.py", "def k1(log_p, log_q):\n    return log_p - log_q\n")
    (root / "notebook").mkdir()
    notebook(root / "notebook" / "KL作业.ipynb", solution("k1"), "%matplotlib inline\n" + RAISES_AT_4)
    # A notebook beside its "download as .py": the same code twice is no conflict.
    (root / "exported").mkdir()
    notebook(root / "exported" / "kl.ipynb", solution("k1", "k3"))
    put("exported/kl.py", solution("k1", "k3"))
    (root / "broken_notebook").mkdir()
    (root / "broken_notebook" / "kl.ipynb").write_text("{not json")
    # Links leaving the folder, into the reference: not followed, not graded.
    (root / "links").mkdir()
    (root / "links" / "solution.py").symlink_to(SOLUTIONS / "k1.py")
    (root / "links" / "reference").symlink_to(SOLUTIONS)
    put("links/honest.py", solution("k2"))
    # The stubs, renamed: they define every function and pass nothing.
    put("stubs/all.py", "\n\n".join((EXERCISES / f"{n}.py").read_text() for n in GRADED))
    return root


@pytest.fixture(scope="module", params=MODES)
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = folders(tmp_path_factory.mktemp("folders") / "class")
    proc = kldrill("grade", "--batch", str(root), *(a for n in GRADED for a in ("-e", n)), "--json",
                   "--timeout", "5", request.param)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    docs = json.loads(proc.stdout)["submissions"]
    return {Path(d["submission"]).name: {e["name"]: e for e in d["exercises"]} for d in docs}


def messages(exercise: dict) -> str:
    return " ".join(c["message"] for c in exercise["checks"])


def statuses(folder: dict) -> dict[str, str]:
    return {name: e["status"] for name, e in folder.items()}


def test_odd_file_names_and_sub_folders_are_graded(graded: dict) -> None:
    got = graded["renamed"]
    assert statuses(got) == {"k1": "passed", "k2": "failed", "k3": "passed", "grpo_kl": "missing"}
    # The learner's own file name, though it was imported under one of ours.
    assert "it raised ValueError: not yet (my solution.py:4)" in messages(got["k2"])


def test_a_syntax_error_in_the_only_file_is_reported_where_it_is(graded: dict) -> None:
    for exercise in graded["syntax"].values():
        assert exercise["status"] == "error"
        assert messages(exercise) == ("it raised SyntaxError: expected ':' (solution.py:3)\n"
                                      "    def k1(log_p, log_q)\n"
                                      "                        ^")  # the line at fault, and where


def test_two_files_defining_an_exercise_are_an_error_naming_both(graded: dict) -> None:
    got = graded["twice"]
    assert statuses(got) == {"k1": "error", "k2": "missing", "k3": "passed", "grpo_kl": "missing"}
    assert messages(got["k1"]) == ("k1 is defined in 2 files (a.py, notes/b.py); keep it in one of them, "
                                   "so that it is clear which one to grade")


def test_a_notebook_beside_its_exported_py_is_no_conflict(graded: dict) -> None:
    assert statuses(graded["exported"]) == {"k1": "passed", "k2": "missing", "k3": "passed", "grpo_kl": "missing"}


def test_a_workspace_grades_from_its_canonical_files(graded: dict) -> None:
    assert statuses(graded["workspace"]) == {"k1": "passed", "k2": "missing", "k3": "passed", "grpo_kl": "missing"}


def test_a_notebook_in_a_folder_is_graded_and_errors_name_its_cells(graded: dict) -> None:
    got = graded["notebook"]
    assert statuses(got) == {"k1": "passed", "k2": "failed", "k3": "missing", "grpo_kl": "missing"}
    assert "it raised ValueError: not yet (KL作业.ipynb, cell 3, line 5)" in messages(got["k2"])


def test_an_unreadable_notebook_is_named_in_every_verdict(graded: dict) -> None:
    for exercise in graded["broken_notebook"].values():
        assert exercise["status"] == "error"
        assert messages(exercise).startswith("kl.ipynb is not a readable Jupyter notebook: ")


def test_links_out_of_the_folder_earn_nothing(graded: dict) -> None:
    got = graded["links"]
    assert statuses(got) == {"k1": "error", "k2": "passed", "k3": "error", "grpo_kl": "error"}
    assert messages(got["k1"]) == "solution.py is a link to a file outside the submission, so it was not graded"


def test_renamed_stubs_score_nothing(graded: dict) -> None:
    assert statuses(graded["stubs"]) == {n: "failed" for n in GRADED}


def test_a_single_file_and_a_notebook_still_grade_every_exercise_from_themselves(tmp_path: Path) -> None:
    path = tmp_path / "my_solution.py"
    path.write_text(solution("k1", "k3"))
    doc = json.loads(kldrill("grade", str(path), "-e", "k1", "-e", "k2", "-e", "k3", "--json").stdout)
    assert {e["name"]: e["status"] for e in doc["exercises"]} == {"k1": "passed", "k2": "missing", "k3": "passed"}
    shutil.copy(path, tmp_path / "other.py")  # a neighbour defining the same is no conflict for a file
    doc = json.loads(kldrill("grade", str(path), "-e", "k1", "--json").stdout)
    assert doc["score"] == 1.0
