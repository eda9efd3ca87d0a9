"""The result of grading: plain data, its JSON form and its score. No torch here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "missing", "error")


@dataclass
class Check:
    name: str
    passed: bool
    message: str = ""


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

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "score": self.score, "max_score": self.max_score,
                "checks": [asdict(c) for c in self.checks], "diagnosis": self.diagnosis, "output": self.output}


@dataclass
class GradeResult:
    submission: str
    exercises: list[ExerciseResult]
    # Wall-clock seconds the grading took, when known: for the exports' timings only. Not part of the
    # verdict (the JSON), which must be the same on every run.
    seconds: float | None = field(default=None, compare=False)

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def to_json(self) -> dict[str, Any]:
        return {"submission": self.submission, "score": self.score, "max_score": self.max_score,
                "exercises": [e.to_json() for e in self.exercises]}

    @property
    def all_passed(self) -> bool:
        return all(e.status == "passed" for e in self.exercises)

    @classmethod
    def from_json(cls, doc: dict[str, Any], seconds: float | None = None) -> "GradeResult":
        return cls(
            seconds=seconds,
            submission=doc["submission"],
            exercises=[ExerciseResult(name=e["name"], status=e["status"], max_score=e["max_score"],
                                      checks=[Check(**c) for c in e["checks"]], diagnosis=e.get("diagnosis"),
                                      output=e.get("output") or "")
                       for e in doc["exercises"]],
        )


def failed_everywhere(label: str, names: list[str], why: str, check: str = "grading") -> GradeResult:
    """The verdict of a submission that could not be graded at all: every exercise an error, with why."""
    from grader import exercises

    return GradeResult(label, [ExerciseResult(n, "error", exercises.get(n).max_score, [Check(check, False, why)])
                               for n in names])
