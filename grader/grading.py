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


def grade(path: str | Path, names: list[str] | None = None, lang: str = "en",
          limits: Limits | None = None, sandbox: bool = False, label: str | None = None) -> GradeResult:
    """Grade the workspace or file at ``path`` on ``names`` (default: every exercise)."""
    config = {
        "path": str(path),
        "label": label or str(path),
        "exercises": names or exercises.names(),
        "lang": lang,
        "limits": asdict(limits or Limits()),
        "sandbox": sandbox,
    }
    proc = subprocess.run([sys.executable, "-m", "grader.judge"], input=json.dumps(config),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise GradingError(lines[-1] if lines else f"the judge exited with status {proc.returncode}")
    try:
        return GradeResult.from_json(json.loads(proc.stdout))
    except (ValueError, KeyError, TypeError) as exc:
        raise GradingError(f"the judge's answer was unreadable ({exc})") from None
