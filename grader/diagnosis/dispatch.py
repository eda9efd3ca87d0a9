"""The diagnosis's entry point: which track's behaviour names a failed exercise's mistake.

The engine (engine.py: the catalogue, the shared probes, track 1) knows nothing of the tracks built on
it (grpo.py for track 2, track3.py for track 3, track4.py for track 4); this module picks one, so no module of the package
imports one that imports it back.
"""

from __future__ import annotations

from grader.diagnosis.engine import catalogue, diagnose_track1
from grader.isolation.session import LearnerSession


def diagnose(session: LearnerSession, exercise: str, core_failed: bool = False) -> dict | None:
    """The catalogued mistake the learner's function behaves like, or None; with ``also``, the other
    mistakes the same code shows beside it. Where the maths failed (``core_failed``), a convention's name
    (an empty batch, an error's message) is never the diagnosis: it would hide the real bug; it may only
    stand beside the core mistake."""
    allowed = [m for m in catalogue() if exercise in m.exercises]
    mistakes = [m for m in allowed if not (core_failed and m.convention)]
    from grader.diagnosis import track3
    from grader.exercises import get as exercise_meta

    if exercise_meta(exercise).track == 4:
        from grader.diagnosis import track4

        return track4.diagnose(session, exercise, tuple(mistakes), tuple(allowed))
    if exercise_meta(exercise).track == 2:
        from grader.diagnosis import grpo

        return grpo.diagnose(session, exercise, tuple(mistakes), tuple(allowed))
    if exercise in track3.SPECS or exercise == "adaptive_kl_controller":  # tuples, masks, objects
        return track3.diagnose(session, exercise, mistakes, allowed)
    return diagnose_track1(session, exercise, mistakes)
