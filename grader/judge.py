"""The judge: runs the hidden pytest checks against one submission and returns the verdict.

It runs in its own process (``python -m grader.judge``, config as JSON on stdin, the result as JSON on
stdout), because pytest is meant to run once per process and because the learner's code must never
share a process with the checks. The learner's code runs in processes forked by a zygote
(grader/learner.py); only plain tensors come back from it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from grader import exercises as exercise_meta
from grader.learner import Limits, LearnerSession, Zygote
from grader.results import Check, ExerciseResult, GradeResult
from grader.submission import Submission, SubmissionError, resolve

CHECKS_DIR = Path(__file__).resolve().parent / "checks"


class JudgePlugin:
    """Collects one outcome per hidden check, keeping only the checks of the exercises being run."""

    __name__ = "kldrill-judge"  # the name pluggy registers it under (conftest.py looks it up)

    def __init__(self, session: LearnerSession, run: set[str], lang: str) -> None:
        self.session, self.run, self.lang = session, run, lang
        self.checks: dict[str, list[Check]] = {name: [] for name in run}
        self.errors: list[str] = []

    @staticmethod
    def exercise_of(item: Any) -> str | None:
        marker = item.get_closest_marker("exercise")
        return marker.args[0] if marker else None

    def pytest_collection_modifyitems(self, session: Any, config: Any, items: list) -> None:
        keep = [i for i in items if self.exercise_of(i) in self.run]
        dropped = [i for i in items if self.exercise_of(i) not in self.run]
        items[:] = keep
        if dropped:
            config.hook.pytest_deselected(items=dropped)

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.errors.append(str(report.longrepr)[-2000:])

    def _name(self, item: Any, exercise: str) -> str:
        name = item.originalname.removeprefix("test_")
        spec = getattr(item, "callspec", None)
        if spec is not None:
            params = spec.id
            params = params[len(exercise):].lstrip("-") if params.startswith(exercise) else params
            if params:
                name += f"[{params}]"
        return name

    def pytest_runtest_makereport(self, item: Any, call: Any) -> None:
        if call.when != "call" and call.excinfo is None:
            return
        exercise = self.exercise_of(item)
        if exercise not in self.checks:
            return
        from grader.checks.support import CheckFailure

        message = ""
        if call.excinfo is not None:
            exc = call.excinfo.value
            if isinstance(exc, CheckFailure):
                message = exc.text.render(self.lang)
            else:  # a bug in a check, not in the submission; say so rather than blame the learner
                message = f"internal error in this check: {type(exc).__name__}: {exc}"
        self.checks[exercise].append(Check(self._name(item, exercise), call.excinfo is None, message))


def _run_pytest(plugin: JudgePlugin) -> None:
    import pytest

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    args = [str(CHECKS_DIR), "-c", str(CHECKS_DIR / "pytest.ini"), "--rootdir", str(CHECKS_DIR),
            "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:warnings", "-p", "no:faulthandler",
            "-p", "no:unraisableexception", "-p", "no:threadexception", "-p", "no:logging",
            "--import-mode=importlib", "-o", "python_files=test_*.py"]
    code = pytest.main(args, plugins=[plugin])
    if code not in (0, 1, 5) or plugin.errors:  # 5: nothing selected (every exercise missing)
        raise RuntimeError(f"the hidden checks could not run (pytest exit {code}): {' '.join(plugin.errors)}")


def judge(submission: Submission, names: list[str], lang: str, session: LearnerSession,
          label: str | None = None) -> GradeResult:
    """Grade ``names`` of ``submission`` through ``session``; the verdict as plain data."""
    results: dict[str, ExerciseResult] = {}
    to_run: set[str] = set()
    for name in names:
        meta = exercise_meta.get(name)
        loaded = session.load(name)
        if loaded.status == "ok":
            to_run.add(name)
            results[name] = ExerciseResult(name, "passed", meta.max_score)
        elif loaded.status == "missing":
            results[name] = ExerciseResult(name, "missing", meta.max_score)
        else:
            from grader.checks.support import reason

            results[name] = ExerciseResult(name, "error", meta.max_score, [
                Check("import", False, reason(loaded.error).render(lang))])
    if to_run:
        plugin = JudgePlugin(session, to_run, lang)
        _run_pytest(plugin)
        for name in to_run:
            results[name].checks = plugin.checks[name]
            if not results[name].checks or not all(c.passed for c in results[name].checks):
                results[name].status = "failed"
                results[name].diagnosis = _diagnose(session, name)
    return GradeResult(label or str(submission.path), [results[n] for n in names])


def _diagnose(session: LearnerSession, name: str) -> dict | None:
    from grader.diagnosis import diagnose

    try:
        return diagnose(session, name)
    except Exception:  # noqa: BLE001 - a diagnosis is a bonus; never let it cost the verdict
        return None


def grade_with(zygote: Zygote, config: dict) -> dict:
    submission = resolve(config["path"])
    limits = Limits(**config.get("limits", {}))
    with LearnerSession(submission, limits, zygote=zygote) as session:
        result = judge(submission, config["exercises"], config["lang"], session, label=config.get("label"))
    return result.to_json()


def _failed_everywhere(config: dict, entry: dict, why: str) -> dict:
    """The verdict for a submission whose judge could not finish: every exercise an error, with why."""
    exercises = [ExerciseResult(name, "error", exercise_meta.get(name).max_score, [Check("grading", False, why)])
                 for name in config["exercises"]]
    return GradeResult(entry.get("label") or entry["path"], exercises).to_json()


def grade_batch(zygote: Zygote, config: dict) -> list[dict]:
    """Grade every entry of config["batch"], each in a judge process forked from this one.

    This process has imported torch and pytest but run nothing, so each fork starts clean and cheap;
    up to config["jobs"] run at once. A child that crashes or overruns fails its own entry only.
    """
    import select
    import signal
    import time

    entries = config["batch"]
    jobs = max(1, int(config.get("jobs") or os.cpu_count() or 1))
    limit = Limits(**config.get("limits", {})).total_timeout + 60
    results: list[dict | None] = [None] * len(entries)
    running: dict[int, tuple[int, int, bytearray, float]] = {}  # fd -> (index, pid, buffer, start)
    pending = list(enumerate(entries))

    def finish(fd: int, why: str | None) -> None:
        index, pid, buffer, _ = running.pop(fd)
        os.close(fd)
        try:
            os.kill(pid, signal.SIGKILL) if why else None
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        try:
            results[index] = json.loads(bytes(buffer)) if why is None else None
        except ValueError:
            results[index] = None
        if results[index] is None:
            results[index] = _failed_everywhere(config, entries[index], why or "the judge stopped unexpectedly")

    while pending or running:
        while pending and len(running) < jobs:
            index, entry = pending.pop(0)
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                code = 0
                try:
                    doc = grade_with(zygote, {**config, **entry})
                except BaseException as exc:  # noqa: BLE001 - reported as this entry's verdict
                    doc, code = _failed_everywhere(config, entry, f"{type(exc).__name__}: {exc}"), 1
                with os.fdopen(w, "w") as out:
                    json.dump(doc, out)
                os._exit(code)
            os.close(w)
            running[r] = (index, pid, bytearray(), time.monotonic())
        ready, _, _ = select.select(list(running), [], [], 1.0)
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if chunk:
                running[fd][2].extend(chunk)
            else:
                finish(fd, None)
        for fd, (_, _, _, start) in list(running.items()):
            if time.monotonic() - start > limit:
                finish(fd, f"grading took longer than {limit:g} s")
    return [r for r in results if r is not None]


def main() -> None:
    config = json.loads(sys.stdin.read())
    # Our result is the only thing on the real stdout: whatever else prints goes to stderr.
    result_fd = os.dup(1)
    os.dup2(2, 1)
    entries = config["batch"] if "batch" in config else [config]
    submissions = []
    for entry in entries:
        try:
            submissions.append(resolve(entry["path"]))
        except SubmissionError:
            pass  # reported as that entry's verdict
    # First: the zygote's torch import overlaps ours.
    zygote = Zygote(sandbox=config.get("sandbox", False), submissions=submissions)
    try:
        import torch  # noqa: F401
        import pytest  # noqa: F401

        result = grade_batch(zygote, config) if "batch" in config else grade_with(zygote, config)
    finally:
        zygote.close()
    with os.fdopen(result_fd, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
