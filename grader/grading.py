"""Grade a submission from any caller (the CLI, a notebook, a test) by running the judge process.

This module never imports torch: the judge process does, and so does the learner's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from grader import exercises
from grader.learner_limits import Limits
from grader.results import GradeResult


class GradingError(Exception):
    """The grader itself failed (not the submission); the message is one line."""


def _config(names: list[str] | None, lang: str, limits: Limits | None, sandbox: bool) -> dict:
    return {"exercises": names or exercises.names(), "lang": lang, "limits": asdict(limits or Limits()),
            "sandbox": sandbox}


def _run_judge(config: dict) -> object:
    proc = subprocess.run([sys.executable, "-m", "grader.judge"], input=json.dumps(config),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise GradingError(lines[-1] if lines else f"the judge exited with status {proc.returncode}")
    try:
        return json.loads(proc.stdout)
    except ValueError as exc:
        raise GradingError(f"the judge's answer was unreadable ({exc})") from None


def grade(path: str | Path, names: list[str] | None = None, lang: str = "en",
          limits: Limits | None = None, sandbox: bool = False, label: str | None = None) -> GradeResult:
    """Grade the workspace or file at ``path`` on ``names`` (default: every exercise)."""
    config = {**_config(names, lang, limits, sandbox), "path": str(path), "label": label or str(path)}
    return GradeResult.from_json(_run_judge(config))


def grade_many(paths: list[str | Path], names: list[str] | None = None, lang: str = "en",
               limits: Limits | None = None, sandbox: bool = False, jobs: int | None = None,
               labels: list[str] | None = None) -> list[GradeResult]:
    """Grade many submissions in one judge process (torch imported once), ``jobs`` at a time.

    Each verdict is the one ``grade`` gives the same submission alone.
    """
    labels = labels or [str(p) for p in paths]
    config = {**_config(names, lang, limits, sandbox), "jobs": jobs,
              "batch": [{"path": str(p), "label": label} for p, label in zip(paths, labels)]}
    return [GradeResult.from_json(doc) for doc in _run_judge(config)]
