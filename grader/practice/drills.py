"""Fix-the-bug drills as data (each exercise's file in grader/data/exercises/, under drills.yaml's header): pick one, render its file, judge the repair.

Pure functions over the data and a GradeResult: no file is written and torch is never imported here
(the judge process grades; `kldrill drill --list` and `--help` stay light). Writing a drill into a
workspace is grader.practice.drill_files.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from functools import lru_cache

from grader import datafile, exercises, resources
from grader.i18n import KeyedError, pick, t
from grader.judging.results import ExerciseResult
from grader.resources import package_data

FIXED, NOT_FIXED, OTHER_MISTAKE, FAILING = "fixed", "not_fixed", "other_mistake", "failing"


class DrillError(KeyedError):
    """Bad input for a drill; ``key`` and ``fields`` name the UI message (grader/data/ui.yaml)."""


@dataclass(frozen=True)
class Drill:
    exercise: str
    mistake: str  # the catalogue id (grader/data/mistakes.yaml) the buggy body shows
    style: int  # index among the styles of this (exercise, mistake), as recorded in the state
    body: str  # the function body, unindented (for a class: its method bodies, joined)
    imports: tuple[str, ...] = ()  # extra top-level import lines the body needs
    bodies: tuple[str, ...] = ()  # a class exercise: one body per `raise NotImplementedError`, in order


@lru_cache(maxsize=None)
def _data() -> dict:
    """drills.yaml's header, and each exercise's drills from its own file (grader/data/exercises/<name>.yaml)."""
    raw = dict(datafile.load(package_data("drills.yaml")))
    per_exercise = [(name, exercises.data(name)) for name in exercises.names()]
    raw["drills"] = {name: d["drills"] for name, d in per_exercise if d.get("drills")}
    raw["not_drilled"] = {name: d["not_drilled"] for name, d in per_exercise if d.get("not_drilled")}
    return raw


@lru_cache(maxsize=None)
def all_drills() -> tuple[Drill, ...]:
    """Every drill in the data, in its order (exercise, then mistake, then style)."""
    out = []
    for exercise, mistakes in (_data().get("drills") or {}).items():
        for mistake, styles in mistakes.items():
            for i, style in enumerate(styles):
                if isinstance(style, str):
                    style = {"body": style}
                bodies = tuple(b.rstrip("\n") for b in style.get("bodies", ()))
                body = "\n".join(bodies) if bodies else style["body"].rstrip("\n")
                out.append(Drill(exercise, mistake, i, body, tuple(style.get("imports", ())), bodies))
    return tuple(out)


def not_drilled() -> dict[str, dict[str, str]]:
    """(exercise -> mistake -> why): catalogued mistakes deliberately without a drill."""
    return _data().get("not_drilled") or {}


def for_exercise(exercise: str) -> list[Drill]:
    return [d for d in all_drills() if d.exercise == exercise]


def exercises_with_drills() -> list[str]:
    """In the exercises' own order."""
    have = {d.exercise for d in all_drills()}
    return [name for name in exercises.names() if name in have]


def get(exercise: str, mistake: str, style: int) -> Drill | None:
    return next((d for d in all_drills() if (d.exercise, d.mistake, d.style) == (exercise, mistake, style)), None)


@lru_cache(maxsize=None)
def mistake_catalogue() -> dict[str, dict]:
    """The mistakes catalogue read as plain data (grader.diagnosis.engine would import torch)."""
    raw = datafile.load(package_data("mistakes.yaml"))
    return {m["id"]: {"kind": m["kind"], "exercises": tuple(m.get("exercises") or m.get("expr", {})),
                      "message": m["message"]} for m in raw["mistakes"]}


def rotation(exercise: str, mistake: str | None = None) -> list[Drill]:
    """The order drills come in without --seed: first style of every mistake, then the second, ...

    Interleaved so that successive drills of one exercise plant different mistakes.
    """
    pool = [d for d in for_exercise(exercise) if mistake is None or d.mistake == mistake]
    return sorted(pool, key=lambda d: (d.style, [x.mistake for x in pool].index(d.mistake)))


def choose(exercise: str, turn: int = 0, seed: int | None = None, mistake: str | None = None) -> Drill:
    """The drill for ``exercise``: the ``turn``-th of the rotation, or with ``seed`` a seeded draw
    (the same seed gives the same drill on any machine); ``mistake`` keeps to that mistake's styles."""
    if exercise not in exercises.names():
        raise DrillError("unknown_exercise", name=exercise, names=", ".join(exercises.names()))
    if not for_exercise(exercise):
        raise DrillError("drill_none", name=exercise, names=", ".join(exercises_with_drills()))
    pool = rotation(exercise, mistake)
    if not pool:
        known = sorted({d.mistake for d in for_exercise(exercise)})
        raise DrillError("drill_unknown_mistake", name=exercise, mistake=mistake, mistakes=", ".join(known))
    if seed is not None:
        return random.Random(f"{exercise}:{mistake or ''}:{seed}").choice(pool)
    return pool[turn % len(pool)]


def _stub(exercise: str) -> str:
    return (resources.exercises_dir() / exercises.get(exercise).file).read_text(encoding="utf-8")


def stub_text(exercise: str) -> str:
    """The guided stub as shipped: a file equal to it is untouched and may be replaced."""
    return _stub(exercise)


def render(drill: Drill) -> str:
    """The drill file: the guided stub (its contract in the docstring) with the buggy body in place
    of ``raise NotImplementedError``, under a one-line header that does not name the bug. A class
    exercise's stub has one such line per method: ``drill.bodies`` fills them in order."""
    meta = exercises.get(drill.exercise)
    lines = _stub(drill.exercise).splitlines()
    raises = [i for i, line in enumerate(lines) if line.strip().startswith("raise NotImplementedError")]
    if not raises or (drill.bodies and len(drill.bodies) != len(raises)):
        raise DrillError("drill_bad_stub", name=drill.exercise)
    # one body: the last raise (the function's); several: every raise, from the bottom up
    pairs = list(zip(raises, drill.bodies)) if drill.bodies else [(raises[-1], drill.body)]
    for at, text in reversed(pairs):
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        lines[at:at + 1] = [indent + line if line.strip() else "" for line in text.splitlines()]
    if drill.imports:
        top = next(i for i, line in enumerate(lines) if line.startswith(("def ", "class ", "@")))
        last_import = max((i for i in range(top) if lines[i].startswith(("import ", "from "))), default=top - 1)
        lines[last_import + 1:last_import + 1] = list(drill.imports)
    header = _data()["header"].format(function=meta.function, exercise=drill.exercise).strip()
    return "\n".join([header, *lines]) + "\n"


def digest(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def is_replaceable(exercise: str, text: str) -> bool:
    """True for the untouched stub or an untouched drill file of ours: nothing of the learner's."""
    if text.replace("\r\n", "\n") == _stub(exercise).replace("\r\n", "\n"):
        return True
    return digest(text) in {digest(render(d)) for d in for_exercise(exercise)}


@dataclass(frozen=True)
class Outcome:
    """What grading a drill file says about the planted mistake."""

    exercise: str
    mistake: str
    kind: str  # FIXED (the file passes), NOT_FIXED (the planted mistake is still diagnosed),
    #            OTHER_MISTAKE (fails with another diagnosis), FAILING (fails, no mistake named)
    diagnosis: dict | None = None  # the graded file's diagnosis, if any
    failure: str = ""  # its first failing check, when no mistake is named

    @property
    def fixed(self) -> bool:
        return self.kind == FIXED

    @property
    def planted_fixed(self) -> bool:
        """The planted mistake is gone (whether or not another one remains)."""
        return self.kind in (FIXED, OTHER_MISTAKE)

    def to_json(self) -> dict:
        return {"exercise": self.exercise, "mistake": self.mistake, "outcome": self.kind,
                "planted_fixed": self.planted_fixed, "diagnosis": self.diagnosis, "failure": self.failure}

    def render(self, lang: str) -> str:
        planted = mistake_catalogue().get(self.mistake, {}).get("message", {"en": self.mistake})
        if self.kind == FIXED:
            return t("drill_fixed", lang, name=self.exercise, message=pick(planted, lang))
        if self.kind == OTHER_MISTAKE:
            return t("drill_other", lang, name=self.exercise, diagnosis=pick(self.diagnosis["message"], lang))
        if self.kind == NOT_FIXED:
            return t("drill_not_fixed", lang, name=self.exercise)
        return t("drill_failing", lang, name=self.exercise, failure=self.failure)


def judge(exercise: str, mistake: str, result: ExerciseResult) -> Outcome:
    """Read the verdict on a drill file: was the planted ``mistake`` the one fixed?"""
    if result.status == "passed":
        return Outcome(exercise, mistake, FIXED)
    diagnosis = result.diagnosis
    if diagnosis is not None:
        kind = NOT_FIXED if mistake in result.diagnosis_ids else OTHER_MISTAKE  # named first, or beside it
        return Outcome(exercise, mistake, kind, diagnosis)
    failure = result.first_failure()
    return Outcome(exercise, mistake, FAILING, None, failure.message if failure else result.status)
