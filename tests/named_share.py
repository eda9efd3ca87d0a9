"""How often the diagnosis names the real mistake: tests/bugs/*.yaml (single-bug submissions as candidates write
them), graded in one batch.

    python tests/named_share.py [--markdown]

A bug is *rejected* when some check fails (what `--strict` rejects); it is *named* when its diagnosis is the id
its entry expects, *falsely named* when its diagnosis is another id. Prints the named share per exercise and per
track; tests/test_named_share.py asserts the floors.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

BUGS = Path(__file__).resolve().parent / "bugs"
PRELUDE = "import torch\nimport torch.nn.functional as F\n\n\n"


@dataclass(frozen=True)
class Bug:
    exercise: str
    expect: str
    style: str
    code: str


@dataclass
class Outcome:
    bug: Bug
    rejected: bool  # some check failed
    core_failed: bool
    diagnosis: str | None
    also: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        return self.diagnosis == self.bug.expect

    @property
    def falsely_named(self) -> bool:
        return self.diagnosis is not None and self.diagnosis != self.bug.expect


def load() -> list[Bug]:
    bugs = []
    for path in sorted(BUGS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.stem == doc["exercise"], path
        bugs += [Bug(doc["exercise"], b["expect"], b["style"], b["code"]) for b in doc["bugs"]]
    return bugs


def grade(bugs: list[Bug]) -> list[Outcome]:
    from grader import exercises
    from grader.judging.grading import grade_many

    with tempfile.TemporaryDirectory(prefix="kldrill-bugs-") as tmp:
        paths = []
        for i, bug in enumerate(bugs):
            folder = Path(tmp) / f"{i:03d}"
            folder.mkdir()
            (folder / exercises.get(bug.exercise).file).write_text(PRELUDE + bug.code, encoding="utf-8")
            paths.append(folder)
        results = grade_many(paths, sandbox=False)  # one judge: a batch
    outcomes = []
    for bug, result in zip(bugs, results):
        e = {e.name: e for e in result.exercises}[bug.exercise]
        d = e.diagnosis or {}
        outcomes.append(Outcome(bug, not all(c.passed for c in e.checks) or e.status != "passed", not e.core,
                                d.get("id"), tuple(a["id"] for a in d.get("also", []))))
    return outcomes


def shares(outcomes: list[Outcome]) -> tuple[dict[str, tuple[int, int, int]], dict[int, tuple[int, int, int]]]:
    """(named, falsely named, rejected) per exercise and per track."""
    from grader import exercises

    by_exercise: dict[str, list[int]] = {}
    by_track: dict[int, list[int]] = {}
    for o in outcomes:
        if not o.rejected:
            continue
        for key, table in ((o.bug.exercise, by_exercise), (exercises.get(o.bug.exercise).track, by_track)):
            row = table.setdefault(key, [0, 0, 0])
            row[0] += o.named
            row[1] += o.falsely_named
            row[2] += 1
    return ({k: tuple(v) for k, v in by_exercise.items()}, {k: tuple(v) for k, v in sorted(by_track.items())})


def report(outcomes: list[Outcome], markdown: bool = False) -> str:
    from grader import exercises

    per_exercise, per_track = shares(outcomes)
    lines = []
    if markdown:
        lines += ["| track | exercise | named | false names |", "|---|---|---|---|"]
        for name in exercises.names():
            if name in per_exercise:
                n, f, r = per_exercise[name]
                lines.append(f"| {exercises.get(name).track} | {name} | {n}/{r} ({100 * n / r:.0f}%) | {f} |")
        for track, (n, f, r) in per_track.items():
            lines.append(f"| {track} | **all** | **{n}/{r} ({100 * n / r:.0f}%)** | {f} |")
        return "\n".join(lines)
    for o in outcomes:
        if not o.rejected:
            lines.append(f"not rejected  {o.bug.exercise:22s} {o.bug.expect:28s} {o.bug.style}")
        elif not o.named:
            lines.append(f"{'FALSE' if o.falsely_named else 'unnamed':13s} {o.bug.exercise:22s} {o.bug.expect:28s} "
                         f"-> {o.diagnosis}  ({o.bug.style})")
    for name in exercises.names():
        if name in per_exercise:
            n, f, r = per_exercise[name]
            lines.append(f"track {exercises.get(name).track}  {name:22s} named {n:3d}/{r:<3d} {100 * n / r:5.1f}%  false {f}")
    for track, (n, f, r) in per_track.items():
        lines.append(f"track {track}  {'all':22s} named {n:3d}/{r:<3d} {100 * n / r:5.1f}%  false {f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="the per-exercise table as Markdown")
    args = parser.parse_args()
    sys.stdout.write(report(grade(load()), args.markdown) + "\n")


if __name__ == "__main__":
    main()
