"""Shared helpers for kl-drill's own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
# Every exercise, from the metadata (grader/data/exercises.yaml), in its order: tracks 1 and 2.
from grader.exercises import names as _names  # noqa: E402  (no torch: the metadata is YAML)

NAMES = _names()


def kldrill(*args: str, cwd: Path | None = None, input: str | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI (python -m grader) the way a user's shell would."""
    full_env = {**os.environ, "KLDRILL_LANG": "en", **(env or {})}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, input=input,
                          capture_output=True, text=True, env=full_env, timeout=600)


def grade_json(*args: str, cwd: Path | None = None) -> tuple[dict, subprocess.CompletedProcess]:
    proc = kldrill("grade", *args, "--json", cwd=cwd)
    assert proc.stdout.count("\n") == 1, proc.stdout + proc.stderr  # exactly one JSON object
    return json.loads(proc.stdout), proc


def statuses(doc: dict) -> dict[str, str]:
    return {e["name"]: e["status"] for e in doc["exercises"]}


@pytest.fixture
def write(tmp_path: Path):
    """write("name.py", source) -> path of a one-file submission."""

    def _write(name: str, source: str) -> Path:
        path = tmp_path / name
        path.write_text(source)
        return path

    return _write
