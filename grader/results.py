"""The result of grading: plain data, its JSON form and its score. No torch here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "missing", "error")


@dataclass
class Check:
    name: str
    passed: bool
    message: str = ""
    # Seconds the check took, measured by the judge's own clock (pytest's timing of the check's call,
    # or the judge's timing of the import): for the JUnit export. Like GradeResult.seconds, not part of
    # the verdict, so it is left out of the JSON the CLI prints and out of comparisons.
    seconds: float | None = field(default=None, compare=False)

    def to_json(self, timings: bool = False) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "passed": self.passed, "message": self.message}
        if timings and self.seconds is not None:
            doc["seconds"] = self.seconds
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "Check":
        return cls(name=doc["name"], passed=doc["passed"], message=doc.get("message", ""),
                   seconds=seconds_or_none(doc.get("seconds")))


def seconds_or_none(value: object) -> float | None:
    """``value`` if it is a duration (a finite number >= 0), else None: a time that crossed a pipe is
    checked before any export adds it up."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


@dataclass
class ExerciseResult:
    name: str
    status: str
    max_score: float
    checks: list[Check] = field(default_factory=list)
    diagnosis: dict | None = None
    # What the learner's code printed while this exercise ran (capped, control characters escaped):
    # shown to the learner, never parsed.
    output: str = ""

    @property
    def score(self) -> float:
        # All or nothing: an exercise with the wrong maths is wrong, however many shape checks pass.
        return self.max_score if self.status == "passed" else 0.0

    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.passed), None)

    def to_json(self, timings: bool = False) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "score": self.score, "max_score": self.max_score,
                "checks": [c.to_json(timings) for c in self.checks], "diagnosis": self.diagnosis,
                "output": self.output}


@dataclass
class GradeResult:
    submission: str
    exercises: list[ExerciseResult]
    # Wall-clock seconds the grading took, when known: for the exports' timings only. Not part of the
    # verdict (the JSON), which must be the same on every run.
    seconds: float | None = field(default=None, compare=False)
    # The isolation the submission's code ran under (grader/isolation/modes.py: "sandbox", "uid+landlock",
    # ..., "none"), as the judge decided it; "" where no code ran.
    isolation: str = ""

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def to_json(self, timings: bool = False) -> dict[str, Any]:
        """The verdict as JSON; with ``timings``, each check's seconds too (the judge's answer to the
        CLI carries them; what the CLI prints does not, so it is the same on every run)."""
        return {"submission": self.submission, "score": self.score, "max_score": self.max_score,
                "isolation": self.isolation, "exercises": [e.to_json(timings) for e in self.exercises]}

    @property
    def all_passed(self) -> bool:
        return all(e.status == "passed" for e in self.exercises)

    @classmethod
    def from_json(cls, doc: dict[str, Any], seconds: float | None = None) -> "GradeResult":
        return cls(
            seconds=seconds_or_none(seconds),
            submission=doc["submission"],
            isolation=doc.get("isolation") or "",
            exercises=[ExerciseResult(name=e["name"], status=e["status"], max_score=e["max_score"],
                                      checks=[Check.from_json(c) for c in e["checks"]], diagnosis=e.get("diagnosis"),
                                      output=e.get("output") or "")
                       for e in doc["exercises"]],
        )


def failed_everywhere(label: str, names: list[str], why: str, check: str = "grading") -> GradeResult:
    """The verdict of a submission that could not be graded at all: every exercise an error, with why."""
    from grader import exercises

    return GradeResult(label, [ExerciseResult(n, "error", exercises.get(n).max_score, [Check(check, False, why)])
                               for n in names])
