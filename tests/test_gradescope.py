"""Gradescope end to end: `kldrill gradescope` builds the autograder zip; its run_autograder, run in a
simulated /autograder tree (AUTOGRADER_ROOT), always leaves a results.json valid against Gradescope's
specification, whatever the student uploaded. setup.sh is checked, not run (it needs the network).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from conftest import SOLUTIONS, kldrill
from grader.exercises import get, names

SCHEMA = json.loads((Path(__file__).resolve().parent / "schemas" / "gradescope_results.schema.json").read_text())
TRACK_1 = [n for n in names() if get(n).track == 1]
INVERTED_K3 = "def k3(log_p, log_q):\n    lr = log_q - log_p\n    return lr.exp() - 1 - lr\n"


def solution(*exercises: str) -> str:
    return "\n\n".join((SOLUTIONS / f"{n}.py").read_text() for n in exercises)


@pytest.fixture(scope="module")
def autograder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip for track 1, results in English, shown after the due date, unpacked as Gradescope does."""
    tmp = tmp_path_factory.mktemp("gradescope")
    proc = kldrill("gradescope", str(tmp / "autograder.zip"), "--track", "1", "--lang", "en",
                   "--visibility", "after_due_date", "--stdout-visibility", "hidden", "--timeout", "5")
    assert proc.returncode == 0, proc.stderr
    assert "Wrote" in proc.stdout and "Configure Autograder" in proc.stdout
    zipfile.ZipFile(tmp / "autograder.zip").extractall(tmp / "source")
    return tmp


def run_autograder(source: Path, root: Path, files: dict[str, str | bytes]) -> tuple[dict, subprocess.CompletedProcess]:
    """Upload ``files`` as a student's submission, run run_autograder on it; its results.json."""
    (root / "submission").mkdir(parents=True)
    for rel, data in files.items():
        path = root / "submission" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "AUTOGRADER_ROOT": str(root),
           "KLDRILL_VENV": str(root / "no-venv"), "LANG": "C.UTF-8"}
    proc = subprocess.run(["bash", str(source / "run_autograder")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    doc = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    return doc, proc


def scores(doc: dict) -> dict[str, float]:
    return {test["name"]: test["score"] for test in doc["tests"]}


def test_a_correct_upload_gets_full_marks(autograder: Path, tmp_path: Path) -> None:
    doc, _ = run_autograder(autograder / "source", tmp_path, {"kl.py": solution(*TRACK_1)})
    assert doc["score"] == 5.0 and scores(doc) == {n: 1.0 for n in TRACK_1}
    # The instructor's settings, chosen when the zip was built.
    assert doc["visibility"] == "after_due_date" and doc["stdout_visibility"] == "hidden"
    assert {test["visibility"] for test in doc["tests"]} == {"after_due_date"}


def test_a_wrong_upload_gets_partial_marks_and_a_diagnosis(autograder: Path, tmp_path: Path) -> None:
    wrong = solution(*(n for n in TRACK_1 if n != "k3")) + "\n\n" + INVERTED_K3
    doc, _ = run_autograder(autograder / "source", tmp_path, {"submission.py": wrong})
    assert doc["score"] == 4.0 and scores(doc)["k3"] == 0.0
    k3 = next(test for test in doc["tests"] if test["name"] == "k3")
    assert k3["status"] == "failed" and "ratio_inverted" in k3["tags"] and "inverted the KL's ratio" in k3["output"]


@pytest.mark.parametrize("files,reason", [
    ({}, "submission holds no .py file and no notebook (.ipynb) (it is empty): nothing to grade"),
    ({"README.md": "see attached\n"}, "(it holds README.md): nothing to grade"),
    ({"kl.ipynb": "{not a notebook"}, "kl.ipynb is not a readable Jupyter notebook"),
    ({"solution.py": "def k1(log_p, log_q)\n    return 0\n"}, "SyntaxError: expected ':' (solution.py:1)"),
    ({"solution.py": "def kl1(log_p, log_q):\n    return 0\n"},
     "None of this assignment's functions was found in the submission: define k1, k2, k3, grpo_kl"),
], ids=["empty", "only-readme", "unreadable-notebook", "syntax-error", "misnamed-functions"])
def test_an_upload_that_cannot_be_graded_is_a_zero_that_says_why(autograder: Path, tmp_path: Path,
                                                                 files: dict, reason: str) -> None:
    doc, _ = run_autograder(autograder / "source", tmp_path, files)
    assert doc["score"] == 0.0 and len(doc["tests"]) == 5 and all(t["score"] == 0.0 for t in doc["tests"])
    # (then, where some of its code ran, the isolation it ran under)
    assert reason in doc["output"] and doc["output"].split("\nisolation: ")[0].endswith("total: 0/5")
    assert str(tmp_path) not in doc["output"]  # the student reads no path of the grader's machine


def test_a_misnamed_upload_gets_full_marks_for_what_it_defines(autograder: Path, tmp_path: Path) -> None:
    doc, _ = run_autograder(autograder / "source", tmp_path, {"my_solution.py": solution("k1", "k2", "k3")})
    assert scores(doc) == {"k1": 1.0, "k2": 1.0, "k3": 1.0, "grpo_kl": 0.0, "compute_rewards_kl": 0.0}
    assert doc["score"] == 3.0


def test_an_uploaded_workspace_state_does_not_narrow_the_grading(autograder: Path, tmp_path: Path) -> None:
    """The zip names every exercise: a student's .kldrill-state.json (a workspace holding k1 only)
    cannot turn 1/5 into 1/1."""
    doc, _ = run_autograder(autograder / "source", tmp_path, {"k1.py": solution("k1"), ".kldrill-state.json": "{}"})
    assert doc["score"] == 1.0 and len(doc["tests"]) == 5


def test_results_json_is_written_even_when_kldrill_cannot_run(autograder: Path, tmp_path: Path) -> None:
    (tmp_path / "submission").mkdir()
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(tmp_path), "KLDRILL_VENV": str(tmp_path / "none")}
    proc = subprocess.run(["bash", str(autograder / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    doc = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 0.0 and "kl-drill could not run on this submission" in doc["output"]


def test_the_language_chosen_at_build_time_is_the_results(tmp_path: Path) -> None:
    proc = kldrill("gradescope", str(tmp_path / "zh.zip"), "-e", "k1", "--lang", "zh")
    assert proc.returncode == 0 and "已写入" in proc.stdout, proc.stderr
    zipfile.ZipFile(tmp_path / "zh.zip").extractall(tmp_path / "source")
    doc, _ = run_autograder(tmp_path / "source", tmp_path / "root", {})
    assert [t["name"] for t in doc["tests"]] == ["k1"]
    assert "中既没有 .py 文件，也没有笔记本" in doc["output"] and doc["output"].endswith("总分：0/1")


def test_setup_sh_installs_the_pinned_cpu_torch_then_kl_drill_from_the_zip(autograder: Path, tmp_path: Path) -> None:
    source = autograder / "source"
    assert sorted(p.name for p in source.iterdir()) == ["kl_drill-0.1.0-py3-none-any.whl", "run_autograder", "setup.sh"]
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(source / script)]).returncode == 0, script
        info = zipfile.ZipFile(autograder / "autograder.zip").getinfo(script)
        assert (info.external_attr >> 16) & 0o111, f"{script} must be executable"
    setup = (source / "setup.sh").read_text()
    installs = re.findall(r"pip install (.*)", setup)
    assert installs == ['torch==2.13.0 ${torch_index:+--index-url "$torch_index"}', "numpy",
                        '"$here/kl_drill-0.1.0-py3-none-any.whl"']
    assert 'torch_index="${KLDRILL_TORCH_INDEX-https://download.pytorch.org/whl/cpu}"' in setup
    assert "apt-get install -y bubblewrap ||" in setup  # best effort: the build goes on without it
    # Without namespaces, the submitted code runs as a user of its own: kl-drill's files are closed to it
    # and the wheel is gone (.ci/run runs this script for real, as root without CAP_SYS_ADMIN).
    assert 'chmod -R go-rwx "$package"' in setup and setup.rstrip().endswith('rm -f "$here/kl_drill-0.1.0-py3-none-any.whl"')
    # The wheel installs offline and carries the reference the judge needs, but not this checkout's tests.
    target = tmp_path / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target),
                          str(source / "kl_drill-0.1.0-py3-none-any.whl")], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-2000:]
    for n in names():
        assert (target / "grader" / "_bundled" / "solutions" / f"{n}.py").read_text() == (SOLUTIONS / f"{n}.py").read_text()
        assert (target / "grader" / "_bundled" / "exercises" / f"{n}.py").is_file()
    assert (target / "grader" / "checks" / "test_estimators.py").is_file() and (target / "bin" / "kldrill").is_file()
    inside = zipfile.ZipFile(source / "kl_drill-0.1.0-py3-none-any.whl").namelist()
    assert not any("__pycache__" in n or n.endswith(".pyc") or n.startswith("tests/") for n in inside)
    probe = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                            "import grader.resources as r; print(r.data_root())", str(target)],
                           capture_output=True, text=True)
    assert probe.stdout.strip() == str(target / "grader" / "_bundled"), probe.stderr


def test_the_same_settings_build_the_same_zip(tmp_path: Path) -> None:
    for name in ("a.zip", "b.zip"):
        assert kldrill("gradescope", str(tmp_path / name), "--track", "1").returncode == 0
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


@pytest.mark.parametrize("args", [
    ["{tmp}/exists.zip"], ["{tmp}"], ["{tmp}/no/such/dir.zip"], ["{tmp}/x.zip", "-e", "k4"],
    ["{tmp}/x.zip", "--track", "9"],
], ids=["exists", "folder", "no-parent", "unknown-exercise", "unknown-track"])
def test_bad_build_requests_are_one_line_and_write_nothing(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "exists.zip").write_bytes(b"precious")
    proc = kldrill("gradescope", *[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert (tmp_path / "exists.zip").read_bytes() == b"precious" and not (tmp_path / "x.zip").exists()
    if args == ["{tmp}/exists.zip"]:
        assert "--force" in proc.stderr
        assert kldrill("gradescope", str(tmp_path / "exists.zip"), "--force").returncode == 0
        assert zipfile.is_zipfile(tmp_path / "exists.zip")


def test_only_gradescopes_visibilities_are_accepted(tmp_path: Path) -> None:
    proc = kldrill("gradescope", str(tmp_path / "x.zip"), "--visibility", "public")
    assert proc.returncode == 2 and "'public' is not one of 'visible', 'hidden', 'after_due_date', " \
        "'after_published'" in proc.stderr and not (tmp_path / "x.zip").exists()
