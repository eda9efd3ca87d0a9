"""Exercise metadata (grader/data/exercises.yaml: the order and the tracks; grader/data/exercises/<name>.yaml:
one exercise's metadata, hints and drills) as plain objects."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from grader import datafile
from grader.resources import package_data


class Exercise(NamedTuple):  # not a dataclass: dataclasses cost `kldrill list` and `hint` 1 ms of start-up
    name: str
    file: str
    function: str
    args: tuple[str, ...]
    max_score: float
    track: int
    title: dict[str, str]
    hints: tuple[dict[str, str], ...]
    closed_title: dict[str, str] | None = None  # None: show only the name where held closed-book
    # How many tensors the function returns: 1 (a tensor) or n > 1 (a tuple of n tensors, e.g. gae's
    # (advantages, returns)). The judge asks the learner's process for exactly that many, and refuses others.
    returns: int = 1
    kind: str = "function"  # or "class" (adaptive_kl_controller): what the learner defines


@lru_cache(maxsize=None)
def _raw() -> dict:
    return datafile.load(package_data("exercises.yaml"))


@lru_cache(maxsize=None)
def data(name: str) -> dict:
    """Everything kl-drill keeps as data for one exercise (grader/data/exercises/<name>.yaml): its
    metadata and hints, and its fix-the-bug drills (``drills``, ``not_drilled``)."""
    return datafile.load(package_data(f"exercises/{name}.yaml"))


def track_title(track: int) -> dict[str, str]:
    """The track's title in both languages (a plain one if the metadata has none)."""
    return _raw().get("tracks", {}).get(track) or {"en": f"Track {track}", "zh": f"第 {track} 部分"}


@lru_cache(maxsize=None)
def all_exercises() -> tuple[Exercise, ...]:
    raw = _raw()
    return tuple(
        Exercise(
            name=e["name"],
            file=e["file"],
            function=e["function"],
            args=tuple(e["args"]),
            max_score=float(e["max_score"]),
            track=int(e["track"]),
            title=e["title"],
            hints=tuple(e["hints"]),
            closed_title=e.get("closed_title"),
            returns=int(e.get("returns", 1)),
            kind=str(e.get("kind", "function")),
        )
        for e in (data(name) for name in raw["exercises"])
    )


def title(meta: Exercise, closed_book: bool) -> dict[str, str]:
    """What to call the exercise: its closed-book title gives no formula away."""
    if not closed_book:
        return meta.title
    return meta.closed_title or {"en": meta.name, "zh": meta.name}


def names() -> list[str]:
    return [e.name for e in all_exercises()]


def tracks() -> list[int]:
    return sorted({e.track for e in all_exercises()})


def names_in(tracks: "list[int] | tuple[int, ...] | None") -> list[str]:
    """The exercises of the given tracks, in the metadata's order (all of them for None or empty)."""
    return [e.name for e in all_exercises() if not tracks or e.track in tracks]


def get(name: str) -> Exercise:
    for e in all_exercises():
        if e.name == name:
            return e
    raise KeyError(name)


def missing_key(name: str) -> str:
    """The UI string saying exercise ``name``'s function (or class) is not in a submission."""
    try:
        return "missing_class" if get(name).kind == "class" else "missing_function"
    except KeyError:  # a result for an exercise this version does not know
        return "missing_function"
