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
    # The tier the check belongs to: "core" (the maths) or "convention" (grader/checks/conventions.yaml).
    tier: str = "core"
    # For a failed check, the conventions it missed; empty when it failed on the maths (a core failure).
    conventions: list[str] = field(default_factory=list)
    # What the check said of each convention it missed (``message`` is the first one's).
    notes: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def core_failure(self) -> bool:
        return not self.passed and not self.conventions

    def to_json(self, timings: bool = False) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "passed": self.passed, "message": self.message,
                               "tier": self.tier, "conventions": list(self.conventions)}
        if len(self.notes) > 1:
            doc["notes"] = dict(self.notes)
        if timings and self.seconds is not None:
            doc["seconds"] = self.seconds
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "Check":
        return cls(name=doc["name"], passed=doc["passed"], message=doc.get("message", ""),
                   seconds=seconds_or_none(doc.get("seconds")), tier=doc.get("tier", "core"),
                   conventions=[str(c) for c in doc.get("conventions") or []],
                   notes={str(k): str(v) for k, v in (doc.get("notes") or {}).items()})


@dataclass
class ConventionResult:
    """One convention of an exercise: met or not, and if not, the first check's message saying how."""
    id: str
    passed: bool
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "passed": self.passed, "message": self.message}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "ConventionResult":
        return cls(id=str(doc["id"]), passed=bool(doc["passed"]), message=str(doc.get("message", "")))


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
    # The conventions this exercise's checks test (met or not), in the order the verdict names them.
    conventions: list[ConventionResult] = field(default_factory=list)
    # Graded all or nothing (--strict): "passed" needs every check, conventions included.
    strict: bool = False

    @property
    def core(self) -> bool:
        """Every core check passed: the maths is right (whatever conventions it missed)."""
        return self.status in ("passed", "failed") and bool(self.checks) and not any(
            c.core_failure for c in self.checks)

    @property
    def named_beside(self) -> list[dict]:
        """The mistakes named beside the diagnosis ({id, message[, convention]} each): a convention beside a
        core mistake, or the other parts of differences real code combines."""
        return [a for a in (self.diagnosis or {}).get("also") or [] if isinstance(a, dict) and "id" in a
                and isinstance(a.get("message"), dict)]

    @property
    def diagnosis_ids(self) -> list[str]:
        """The diagnosis's id, then those named beside it; empty without a diagnosis."""
        return [self.diagnosis["id"], *(a["id"] for a in self.named_beside)] if self.diagnosis else []

    @property
    def missed(self) -> list[ConventionResult]:
        return [c for c in self.conventions if not c.passed]

    @property
    def score(self) -> float:
        """0 unless passed; a passed exercise earns the core's share of its marks for the maths and the
        rest in proportion to the conventions it met. With --strict, passed means every check passed, so
        every convention was met: all or nothing."""
        if self.status != "passed":
            return 0.0
        if not self.conventions:
            return self.max_score
        from grader.conventions import core_share

        met = sum(c.passed for c in self.conventions) / len(self.conventions)
        return round(self.max_score * (core_share() + (1 - core_share()) * met), 4)

    def first_failure(self) -> Check | None:
        """The first failing check, a core failure before any convention's."""
        return next((c for c in self.checks if c.core_failure), None) or next(
            (c for c in self.checks if not c.passed), None)

    def to_json(self, timings: bool = False) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "score": self.score, "max_score": self.max_score,
                "core": self.core, "conventions": [c.to_json() for c in self.conventions],
                "strict": self.strict, "checks": [c.to_json(timings) for c in self.checks],
                "diagnosis": self.diagnosis, "output": self.output}

    @classmethod
    def from_json(cls, e: dict[str, Any]) -> "ExerciseResult":
        return cls(name=e["name"], status=e["status"], max_score=e["max_score"],
                   checks=[Check.from_json(c) for c in e["checks"]], diagnosis=e.get("diagnosis"),
                   output=e.get("output") or "",
                   conventions=[ConventionResult.from_json(c) for c in e.get("conventions") or []],
                   strict=bool(e.get("strict", False)))


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
        return round(sum(e.score for e in self.exercises), 4)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def to_json(self, timings: bool = False) -> dict[str, Any]:
        """The verdict as JSON; with ``timings``, each check's seconds too (the judge's answer to the
        CLI carries them; what the CLI prints does not, so it is the same on every run)."""
        return {"submission": self.submission, "score": self.score, "max_score": self.max_score,
                "strict": self.strict, "isolation": self.isolation,
                "exercises": [e.to_json(timings) for e in self.exercises]}

    @property
    def all_passed(self) -> bool:
        return all(e.status == "passed" for e in self.exercises)

    @property
    def strict(self) -> bool:
        return any(e.strict for e in self.exercises)

    @classmethod
    def from_json(cls, doc: dict[str, Any], seconds: float | None = None) -> "GradeResult":
        return cls(
            seconds=seconds_or_none(seconds),
            submission=doc["submission"],
            isolation=doc.get("isolation") or "",
            exercises=[ExerciseResult.from_json(e) for e in doc["exercises"]],
        )


def failed_everywhere(label: str, names: list[str], why: str, check: str = "grading") -> GradeResult:
    """The verdict of a submission that could not be graded at all: every exercise an error, with why."""
    from grader import exercises

    return GradeResult(label, [ExerciseResult(n, "error", exercises.get(n).max_score, [Check(check, False, why)])
                               for n in names])
