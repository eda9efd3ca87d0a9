"""A drill in a workspace: write the drill file (never over the learner's own code), remember which
mistake was planted (``.kldrill-state.json``: ``state["drills"][exercise]``), record how grading went.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from grader import exercises
from grader.learner import workspace
from grader.practice import drills
from grader.practice.drills import Drill, DrillError, Outcome
from grader.judging.results import GradeResult

DEFAULT_DIR = "kl-drill-drill"


@dataclass(frozen=True)
class Started:
    drill: Drill
    path: Path  # the drill file
    backup: Path | None  # where the learner's own file was kept (--force only)
    created: bool  # the workspace was created for this drill


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def _section(state: dict, key: str) -> dict:
    """``state[key]`` as a dict: a hand-edited or damaged state file must not stop a drill."""
    if not isinstance(state.get(key), dict):
        state[key] = {}
    return state[key]


def _turn(state: dict, exercise: str) -> int:
    value = (state.get("drill_turns") if isinstance(state.get("drill_turns"), dict) else {}).get(exercise, 0)
    return value if isinstance(value, int) and value >= 0 else 0


def _repaired(state: dict, exercise: str, text: str) -> bool:
    """``text`` is a drill of ours the learner repaired, unchanged since a check found it fixed."""
    entry = _section(state, "drills").get(exercise)
    return isinstance(entry, dict) and entry.get("fixed_sha256") == drills.digest(text)


def _backup(path: Path) -> Path:
    """Copy ``path`` to the first free ``NAME.bak``, ``NAME.bak.1``, ...: an earlier backup is never
    overwritten (exclusive create)."""
    data = path.read_bytes()
    for n in range(1000):
        target = path.with_name(path.name + (".bak" if n == 0 else f".bak.{n}"))
        try:
            with open(target, "xb") as f:
                f.write(data)
            return target
        except FileExistsError:
            continue
    raise DrillError("drill_no_backup", path=str(path))


def start(directory: Path, exercise: str, seed: int | None = None, mistake: str | None = None,
          force: bool = False) -> Started:
    """Write a drill of ``exercise`` into the workspace ``directory`` (created with the stubs if it is
    not a workspace yet). The exercise file is replaced only if it is the untouched stub or an
    untouched drill of ours; otherwise DrillError("drill_refused"), or with ``force`` it is first
    copied to a backup."""
    if directory.exists() and not directory.is_dir():
        raise DrillError("drill_not_a_folder", path=str(directory))
    state = workspace.load_state(directory)
    turn = _turn(state, exercise)
    drill = drills.choose(exercise, turn=turn, seed=seed, mistake=mistake)  # bad input: nothing written yet
    created = not workspace.is_workspace(directory)
    if created:
        workspace.init(directory)
    path = directory / exercises.get(exercise).file
    backup = None
    if path.exists():
        if not path.is_file():
            raise DrillError("drill_not_a_file", path=str(path))
        current = path.read_text(encoding="utf-8", errors="replace")
        if not drills.is_replaceable(exercise, current):
            if not (force or _repaired(state, exercise, current)):
                raise DrillError("drill_refused", path=str(path), name=exercise)
            backup = _backup(path)  # the learner's code, even a drill they repaired, is kept
    text = drills.render(drill)
    if path.is_symlink():
        path.unlink()  # write a file of its own, not through the link into whatever it points at
    path.write_text(text, encoding="utf-8")
    state = workspace.load_state(directory)  # re-read: init may have just written it
    _section(state, "drill_turns")[exercise] = turn + 1
    _section(state, "drills")[exercise] = {
        "mistake": drill.mistake, "style": drill.style, "started_at": _now(), "sha256": drills.digest(text),
        "seed": seed, "backup": backup.name if backup else None, "checks": 0, "outcome": None}
    if isinstance(state.get("exercises"), dict):
        state["exercises"].pop(exercise, None)  # the old verdict was on another file
    workspace.save_state(directory, state)
    return Started(drill, path, backup, created)


def recorded(directory: Path) -> dict[str, dict]:
    """The drills started in ``directory``, by exercise, in the exercises' order."""
    found = workspace.load_state(directory).get("drills")
    found = found if isinstance(found, dict) else {}
    return {name: found[name] for name in exercises.names()
            if isinstance(found.get(name), dict) and isinstance(found[name].get("mistake"), str)}


def record(directory: Path, outcomes: list[Outcome]) -> None:
    """Remember each check of a drill: how many, the last outcome, when it was first fixed."""
    state = workspace.load_state(directory)
    entries = _section(state, "drills")
    now = _now()
    for outcome in outcomes:
        entry = entries.get(outcome.exercise)
        if not isinstance(entry, dict):
            entry = entries[outcome.exercise] = {"mistake": outcome.mistake}
        entry["checks"] = (entry["checks"] if isinstance(entry.get("checks"), int) else 0) + 1
        entry["outcome"] = outcome.kind
        entry["checked_at"] = now
        if outcome.fixed:
            entry.setdefault("fixed_at", now)
            try:  # the repaired file as graded: a new drill may replace it (after a backup) unasked
                entry["fixed_sha256"] = drills.digest(
                    (directory / exercises.get(outcome.exercise).file).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                pass
    workspace.save_state(directory, state)


def check(directory: Path, exercise: str | None = None, lang: str = "en", sandbox: bool | None = None
          ) -> tuple[GradeResult, list[Outcome]]:
    """Grade the drills started in ``directory`` (or only ``exercise``'s) with the isolated judge, and
    record the verdicts and the outcomes in the state. Raises DrillError if there is no such drill,
    grader.judging.grading.GradingError if the grader itself fails."""
    from grader.judging.grading import grade  # the judge runs in its own process; this imports no torch

    started = recorded(directory)
    if exercise is not None:
        if exercise not in started:
            raise DrillError("drill_not_started", name=exercise, path=str(directory))
        started = {exercise: started[exercise]}
    if not started:
        raise DrillError("drill_no_drills", path=str(directory))
    # A drill is fixed when no check fails: a planted convention mistake (a clamp, a dtype) counts too.
    result = grade(directory, list(started), lang=lang, sandbox=sandbox, label=str(directory.resolve()), strict=True)
    outcomes = [drills.judge(e.name, started[e.name]["mistake"], e) for e in result.exercises]
    try:
        workspace.record_grades(directory, {e.name: e.status for e in result.exercises})
        record(directory, outcomes)
    except OSError:
        pass  # a read-only workspace still gets its verdict
    return result, outcomes
