"""The commands a learner runs most start fast: what they import is checked, not timed (machines are noisy).

benchmarks/bench_startup.py times them against `python -c pass`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader import datafile

HEAVY = ("torch", "yaml", "rich", "numpy")
PROBE = ("import json, sys\n"
         "from grader.cli.main import cli\n"
         "try:\n    cli(sys.argv[1:], prog_name='kldrill')\nexcept SystemExit:\n    pass\n"
         "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for source in Path(datafile.DATA_DIR).glob("*.yaml"):
        datafile.load(source)  # as after any first run: the parsed data is cached
    ws = tmp_path_factory.mktemp("startup") / "ws"
    subprocess.run([sys.executable, "-m", "grader", "init", str(ws)], check=True, capture_output=True)
    return ws


def imported(args: list[str], cwd: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["list"], ["hint", "k1"], ["quiz", "--help"],
                                  ["--lang", "zh", "--help"], ["quiz", "--help", "--lang", "zh"]])
def test_light_commands_import_no_heavy_library(args: list[str], workspace: Path) -> None:
    modules = imported(args, workspace)
    assert not [m for m in modules if m.split(".")[0] in HEAVY], args


def test_the_command_list_imports_no_command(workspace: Path) -> None:
    modules = imported(["--help"], workspace)
    assert not [m for m in modules if m.startswith(("grader.cli.commands.", "grader.quiz.", "grader.lab."))]
    assert "pathlib" not in modules and "shutil" not in modules  # 3 and 2 ms of a 40 ms start
