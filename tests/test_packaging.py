"""The stubs, the reference and the question bank are found in a built wheel, not only in the checkout."""

from __future__ import annotations

import doctest
import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import torch

from conftest import EXERCISES, NAMES, ROOT, SOLUTIONS


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(f"_t_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docstring_examples_hold_for_the_reference() -> None:
    from grader.exercises import get

    for name in NAMES:
        meta = get(name)  # (a class exercise's stub is named after its class, not the exercise)
        stub = getattr(_module(EXERCISES / meta.file), meta.function)
        (test,) = doctest.DocTestFinder().find(stub)
        test.globs = {"torch": torch, meta.function: getattr(_module(SOLUTIONS / meta.file), meta.function)}
        assert doctest.DocTestRunner().run(test, out=lambda s: None).failed == 0, name


def test_wheel_carries_the_data_and_works_from_it(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("kl_drill-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in NAMES:
        assert f"grader/_bundled/exercises/{name}.py" in names
        assert f"grader/_bundled/solutions/{name}.py" in names
    assert "grader/_bundled/questions.yaml" in names
    assert "grader/data/drills.yaml" in names and "grader/practice/drills.py" in names
    assert "grader/data/exercises.yaml" in names and "grader/checks/pytest.ini" in names
    assert all(f"grader/data/exercises/{name}.yaml" in names for name in NAMES)
    assert not any("__pycache__" in n for n in names)
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "import grader.resources as r\n"
            "assert str(r.data_root()).startswith(sys.argv[1]), r.data_root()\n"
            "from grader.cli.main import cli\n"
            "cli(['init', sys.argv[2]], standalone_mode=False)\n")
    ws = tmp_path / "ws"
    proc = subprocess.run([sys.executable, "-c", code, str(unpacked), str(ws)], capture_output=True,
                          text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in ws.glob("*.py")) == sorted(f"{n}.py" for n in NAMES)


def test_every_exercise_has_every_piece() -> None:
    """docs/adding-an-exercise.md's list, checked: a new exercise cannot ship with a piece missing."""
    import re

    import yaml

    from grader.exercises import all_exercises

    checks = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "grader" / "checks").glob("*.py"))
    mistakes = yaml.safe_load((ROOT / "grader" / "data" / "mistakes.yaml").read_text(encoding="utf-8"))["mistakes"]
    generic = {"no_return", "not_a_tensor", "input_mutated", "reduced"}
    questions = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    variants = ROOT / "tests" / "variants"
    files = [e.file for e in all_exercises()]
    assert len(files) == len(set(files)), "exercise files must be unique (they stay flat in exercises/)"
    for e in all_exercises():
        where = f"exercise {e.name}"
        assert e.title.get("en") and e.title.get("zh"), f"{where}: bilingual title"
        assert len(e.hints) == 3 and all(h.get("en") and h.get("zh") for h in e.hints), f"{where}: three hints"
        from grader.exercises import data

        assert (ROOT / "grader" / "data" / "exercises" / f"{e.name}.yaml").is_file(), f"{where}: its data file"
        assert data(e.name).get("drills"), f"{where}: fix-the-bug drills in grader/data/exercises/{e.name}.yaml"
        stub = EXERCISES / e.file
        assert stub.is_file() and "NotImplementedError" in stub.read_text(encoding="utf-8"), f"{where}: stub"
        assert ">>> " in stub.read_text(encoding="utf-8"), f"{where}: a worked example in the stub"
        closed = EXERCISES / "closed_book" / e.file  # every track (tests/test_closed_book.py checks its text)
        assert closed.is_file(), f"{where}: closed-book stub exercises/closed_book/{e.file}"
        text = closed.read_text(encoding="utf-8")
        assert f"def {e.function}(" in text or f"class {e.function}" in text, f"{where}: closed-book signature"
        assert (SOLUTIONS / e.file).is_file(), f"{where}: reference solutions/{e.file}"
        assert f'"{e.name}"' in checks, f"{where}: hidden checks in grader/checks/"
        from grader import conventions

        assert conventions.of_exercise(e.name), f"{where}: its conventions in grader/checks/conventions.yaml"
        own = [m["id"] for m in mistakes if m["id"] not in generic
               and e.name in (m.get("exercises") or m.get("expr", {}))]
        assert len(own) >= 2, f"{where}: named mistakes in grader/data/mistakes.yaml"
        linked = len(re.findall(rf"^    exercise: {re.escape(e.name)}$", questions, re.MULTILINE))
        assert linked >= 3, f"{where}: three follow-up questions in questions.yaml"
        assert len(list((variants / "correct").glob(f"{e.name}__*.py"))) >= 3, f"{where}: correct variants"
        assert len(list((variants / "wrong").glob(f"{e.name}__*.py"))) >= 3, f"{where}: wrong variants"


def test_the_readme_installs_the_pinned_cpu_torch_before_kl_drill() -> None:
    """From the default index a fresh Linux machine gets the multi-GB CUDA build, pin or not: the README's
    set-up takes torch from PyTorch's CPU index, pinned, before kl-drill (whose own requirement is a range)."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = re.search(r"## Two commands.*?```bash\n(.*?)\n```", readme, re.S).group(1)
    steps = [step.strip() for step in setup.split("&&")]
    torch_step = next(i for i, s in enumerate(steps) if "torch" in s)
    assert steps[torch_step] == ".venv/bin/pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
    assert torch_step < next(i for i, s in enumerate(steps) if '-e ".[dev]"' in s)
