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
    assert not any("__pycache__" in n for n in names)
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "import grader.resources as r\n"
            "assert str(r.data_root()).startswith(sys.argv[1]), r.data_root()\n"
            "from grader.cli import cli\n"
            "cli(['init', sys.argv[2]], standalone_mode=False)\n")
    ws = tmp_path / "ws"
    proc = subprocess.run([sys.executable, "-c", code, str(unpacked), str(ws)], capture_output=True,
                          text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in ws.glob("*.py")) == sorted(f"{n}.py" for n in NAMES)
