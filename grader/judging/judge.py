"""The judge: runs the hidden pytest checks against one submission, or a batch, and returns the verdicts.

It runs in its own process (``python -m grader.judging.judge``, config as JSON on stdin, the result as JSON on
stdout), because pytest is meant to run once per process and because the learner's code must never
share a process with the checks. pytest configures and collects the checks once; a single submission
is then graded in this process, a batch's submissions by judge workers forked from it (``grade_batch``),
each finished submission reported as a JSON line on the caller's progress pipe. The learner's code runs
in processes forked by one zygote (grader/isolation/session.py); only plain tensors come back from it.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import time
from pathlib import Path
from typing import Any, Callable

from grader import exercises as exercise_meta
from grader.judging import judge_process, safe_text
from grader.cores import default_jobs
from grader.isolation import privileges
from grader.isolation.session import Limits, LearnerSession, Zygote
from grader.judging.results import Check, ConventionResult, ExerciseResult, GradeResult, failed_everywhere
from grader.intake.submission import Submission, SubmissionError, resolve

CHECKS_DIR = Path(__file__).resolve().parent.parent / "checks"

# Failures the judge cannot verify from what it receives: they rest on what the learner's own process
# reports about itself (whether an input was changed in place, the device of a result on the meta
# device), which code that rewrites that process can forge. They teach; they are never the only thing
# between wrong maths and a pass (the values, shapes, dtypes and gradients the judge receives are checked
# by the judge), and every message of theirs says so.
TEACHING_CHECKS = frozenset({"check_input_modified", "check_wrong_device", "check_left_device"})


class JudgePlugin:
    """The hidden checks, collected once per judge process, then run for each submission.

    pytest configures and collects in the judge; at its test loop, this plugin hands over to ``work``,
    which grades (one submission, or a batch of them, each in a fork of this process that inherits the
    collected checks). ``run_checks`` runs the checks of some exercises against one learner session and
    keeps one outcome per check.
    """

    __name__ = "kldrill-judge"  # the name pluggy registers it under (conftest.py looks it up)

    def __init__(self, lang: str, work: Callable[["JudgePlugin"], None]) -> None:
        self.lang, self.work = lang, work
        self.session: LearnerSession | None = None
        self.checks: dict[str, list[Check]] = {}
        self.items: list = []
        self.errors: list[str] = []
        # (exercise, check) -> what a NotImplementedError there means if the function ran elsewhere
        self.if_it_ran: dict[tuple[str, str], str] = {}
        self.failure: BaseException | None = None

    @staticmethod
    def exercise_of(item: Any) -> str | None:
        marker = item.get_closest_marker("exercise")
        return marker.args[0] if marker else None

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.errors.append(str(report.longrepr)[-2000:])

    def pytest_runtestloop(self, session: Any) -> bool:
        # Registered after pytest's own plugins, so called before its loop; returning True ends the hook.
        self.items = list(session.items)
        if not self.errors:
            try:
                self.work(self)
            except BaseException as exc:  # noqa: BLE001 - re-raised once pytest has cleaned up
                self.failure = exc
        return True

    def run_checks(self, session: LearnerSession, run: set[str]) -> dict[str, list[Check]]:
        """Run the checks of the exercises in ``run`` against ``session``: each check's outcome."""
        self.session = session
        self.checks = {name: [] for name in run}
        self.if_it_ran = {}
        # One exercise's checks after another (a stable sort keeps each one's order): the zygote is
        # pinged, to learn whether the code that ran last killed it, only when the exercise changes.
        order = {name: n for n, name in enumerate(exercise_meta.names())}
        items = sorted((i for i in self.items if self.exercise_of(i) in run), key=lambda i: order[self.exercise_of(i)])
        for i, item in enumerate(items):  # pytest's own test loop, over this submission's checks
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=items[i + 1] if i + 1 < len(items)
                                                     else None)
        for name, checks in self.checks.items():
            # A function that raised NotImplementedError in some checks and ran in the others is written:
            # it chose not to handle those inputs (verl's kl_penalty for an unknown mode, say).
            unwritten = {c.name for c in checks if (name, c.name) in self.if_it_ran}
            if any(c.name not in unwritten for c in checks):
                for c in checks:
                    if c.name in unwritten:
                        c.message = self.if_it_ran[(name, c.name)]
                        c.notes = {convention: c.message for convention in c.notes}
        return self.checks

    def _name(self, item: Any, exercise: str) -> str:
        name = item.originalname.removeprefix("test_")
        spec = getattr(item, "callspec", None)
        if spec is not None:
            params = spec.id
            params = params[len(exercise):].lstrip("-") if params.startswith(exercise) else params
            if params:
                name += f"[{params}]"
        return name

    def pytest_runtest_makereport(self, item: Any, call: Any) -> Any:
        import pytest

        message = self._record(item, call)
        # Our report, not pytest's: pytest's formats a full traceback of every failure (reading and
        # parsing the checks' source), a third of a submission's grading time, and nobody reads it.
        return pytest.TestReport(item.nodeid, item.location, {}, "passed" if call.excinfo is None else "failed",
                                 message if call.excinfo is not None else None, call.when,
                                 duration=call.duration, start=call.start, stop=call.stop)

    def _record(self, item: Any, call: Any) -> str:
        """Record the check's outcome (its "call" phase, or a setup/teardown that failed); its message.

        Its tier: a check grader/checks/conventions.yaml names is its convention's as a whole; a core check
        that raised failed on the maths; one that only noted misses (support.miss) met the maths and missed
        those conventions."""
        from grader.checks.support import CheckFailure, take_missed

        missed = take_missed()
        if call.when == "setup":
            missed = []  # notes left by an earlier check that ended abnormally are not this one's
        exercise = self.exercise_of(item)
        message = ""
        if call.excinfo is not None:
            exc = call.excinfo.value
            if isinstance(exc, CheckFailure):
                message = exc.text.render(self.lang)
                if exc.if_it_ran is not None:
                    self.if_it_ran[(exercise, self._name(item, exercise))] = exc.if_it_ran.render(self.lang)
                if exc.text.key in TEACHING_CHECKS:
                    from grader.i18n import t

                    message += t("teaching_check", self.lang)
            else:  # a bug in a check, not in the submission; say so rather than blame the learner
                message = f"internal error in this check: {type(exc).__name__}: {exc}"
        elif missed:
            message = missed[0][1].render(self.lang)
        if exercise in self.checks and (call.when == "call" or call.excinfo is not None):
            from grader import conventions

            name = self._name(item, exercise)
            declared = conventions.of_check(exercise, name)
            notes: dict[str, str] = {}
            if call.excinfo is not None:
                notes = {declared: message} if declared else {}
            else:
                for convention, text in missed:
                    notes.setdefault(convention, text.render(self.lang))
            # call.duration: pytest's own clock, in this process, around the check (learner calls included).
            self.checks[exercise].append(Check(name, call.excinfo is None and not missed, message,
                                               seconds=call.duration, tier="convention" if declared else "core",
                                               conventions=list(notes), notes=notes))
        return message


def run_judge(lang: str, work: Callable[[JudgePlugin], None]) -> None:
    """Configure pytest and collect the checks once, then call ``work(plugin)`` to grade."""
    import pytest

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    args = [str(CHECKS_DIR), "-c", str(CHECKS_DIR / "pytest.ini"), "--rootdir", str(CHECKS_DIR),
            "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:warnings", "-p", "no:faulthandler",
            "-p", "no:unraisableexception", "-p", "no:threadexception", "-p", "no:logging",
            *[a for n in ("skipping", "unittest", "legacypath", "tmpdir", "monkeypatch", "recwarn", "pastebin",
                          "junitxml", "doctest", "setuponly", "setupplan", "stepwise", "subtests", "debugging")
              for a in ("-p", f"no:{n}")],
            # No output capture: nothing in the judge prints, and a batch's forks would share the files.
            "--capture=no", "--import-mode=importlib", "-o", "python_files=test_*.py"]
    plugin = JudgePlugin(lang, work)
    code = pytest.main(args, plugins=[plugin])
    if plugin.failure is not None:
        raise plugin.failure
    if code not in (0, 1) or plugin.errors:
        raise RuntimeError(f"the hidden checks could not run (pytest exit {code}): {' '.join(plugin.errors)}")


def judge(submission: Submission, names: list[str], lang: str, session: LearnerSession, checks: JudgePlugin,
          label: str | None = None, on_exercise: Callable[[ExerciseResult], None] | None = None,
          strict: bool = False, written: list[str] | None = None) -> GradeResult:
    """Grade ``names`` of ``submission`` through ``session``; the verdict as plain data.

    An exercise passes when its core checks pass (``strict``: when every check passes); the conventions
    it missed are listed beside the verdict. ``written``: of ``names``, those graded only if the
    submission defines them (a file holding the five track-1 functions is graded on those five), unless
    it defines none of them. ``on_exercise(result)`` is called as each exercise's verdict is final, so a
    caller that loses the judge midway still has those.
    """
    results: dict[str, ExerciseResult] = {}
    to_run: list[str] = []
    for name in names:
        meta = exercise_meta.get(name)
        session.attribute(name)  # what the import prints is the first exercise's that imports the file
        started = time.perf_counter()
        loaded = session.load(name)
        load_seconds = time.perf_counter() - started
        if loaded.status == "ok":
            to_run.append(name)
            results[name] = ExerciseResult(name, "passed", meta.max_score, strict=strict)
        elif loaded.status == "missing":
            results[name] = ExerciseResult(name, "missing", meta.max_score)
        else:
            from grader.checks.support import reason

            message = reason(loaded.error).render(lang) + _syntax_context(session, name, loaded.error)
            results[name] = ExerciseResult(name, "error", meta.max_score, [
                Check("import", False, message, seconds=load_seconds)])
    if written and any(results[n].status != "missing" for n in names):
        names = [n for n in names if n not in written or results[n].status != "missing"]
    for name in names:
        if name not in to_run:
            results[name].output = _shown_output(session, name, lang)
            if on_exercise is not None:
                on_exercise(results[name])
    for name in to_run:
        session.attribute(name)
        result = results[name]
        result.checks = checks.run_checks(session, {name})[name]
        result.conventions = convention_results(name, result.checks)
        if not result.core or (strict and not all(c.passed for c in result.checks)):
            result.status = "failed"
        if not all(c.passed for c in result.checks):
            result.diagnosis = _diagnose(session, name, core_failed=not result.core)
        result.output = _shown_output(session, name, lang)
        if on_exercise is not None:
            on_exercise(results[name])
    return GradeResult(label or str(submission.path), [results[n] for n in names], isolation=session.isolation)


_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


def _syntax_context(session: LearnerSession, name: str, error: Any) -> str:
    """For a file that does not parse, the line at fault and a caret under the place, as Python shows
    them ("\n    return (log_p - log_q\n           ^"); "" otherwise. The file is parsed here as data
    (never run), within the limits grader/intake/locate.py parses with."""
    import ast

    from grader.intake import locate

    detail = getattr(error, "detail", None) or {}
    path = session.source_file(name)
    if detail.get("type") not in _SYNTAX_ERRORS or path is None:
        return ""
    try:
        data = path.read_bytes()
        if len(data) > locate.MAX_PARSE_BYTES:
            return ""
        ast.parse(data)
        return ""  # parses here: whatever failed is not shown better by us
    except SyntaxError as exc:
        text, offset, end = exc.text, exc.offset, getattr(exc, "end_offset", None)
    except (OSError, ValueError, MemoryError, RecursionError):
        return ""
    if not text or not offset:
        return ""
    line = text.rstrip("\n").expandtabs(4)
    shown = line.lstrip()
    column = max(0, offset - 1 - (len(line) - len(shown)))
    width = max(1, min((end or offset + 1) - offset, len(shown) - column)) if end and end > offset else 1
    shown = "".join(c if c.isprintable() else " " for c in shown)[:200]
    return f"\n    {shown}\n    {' ' * min(column, len(shown))}{'^' * width}"


def _shown_output(session: LearnerSession, name: str, lang: str) -> str:
    """What the learner's code printed during ``name``, as text safe to show on a terminal: control
    characters (a screen clear, a colour, a cursor move) are shown escaped, never obeyed."""
    from grader.i18n import t

    text, total = session.output_of(name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c if c in "\n\t" or (c.isprintable() and c != "\x7f") else f"\\x{ord(c):02x}"
                   if ord(c) < 256 else "\ufffd" for c in text)
    cap = session.limits.output_kb * 1024
    if len(text) > cap:  # escaping made it longer: the cap is on what is shown
        text, total = text[:cap], max(total, cap + 1)
    if total > cap:
        text = text.rstrip("\n") + "\n" + t("output_truncated", lang, total=human_size(total), kept=human_size(cap))
    return text


def human_size(count: int) -> str:
    """``45088768`` -> ``43 MiB``: a size a reader takes in at a glance."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f} {unit}".replace(".0 ", " ")
    return f"{count} B"


def _diagnose(session: LearnerSession, name: str, core_failed: bool) -> dict | None:
    """The mistake the failed checks point at (where the maths failed, a mistake of the maths)."""
    from grader.diagnosis.dispatch import diagnose

    try:
        return diagnose(session, name, core_failed)
    except Exception:  # noqa: BLE001 - a diagnosis is a bonus; never let it cost the verdict
        return None


def convention_results(exercise: str, checks: list[Check]) -> list[ConventionResult]:
    """Each convention ``exercise``'s checks test: met, or the first message of a check that missed it."""
    from grader import conventions

    out = []
    for convention in conventions.of_exercise(exercise):
        missed = [c for c in checks if convention in c.conventions]
        out.append(ConventionResult(convention, not missed, missed[0].notes.get(convention, missed[0].message)
                                    if missed else ""))
    return out


def prepare() -> None:
    """Import and load, once, everything grading needs: torch, pytest and its plugins, the check
    modules, the reference, the YAML tables. A batch's forks then inherit them instead of each paying
    for them; a single grade does the same work in the same order, so its verdict is the batch's."""
    import importlib

    import pytest  # noqa: F401
    import torch
    from _pytest.config import default_plugins

    # The checks' tensors are tiny: threads only contend, most of all among a batch's forks, which
    # would each inherit the pool's size but not its threads.
    torch.set_num_threads(1)
    # What pytest.main and the checks import on their first run (pdb: the debugging plugin's configure).
    for name in [*(f"_pytest.{n}" for n in default_plugins), "_pytest._argcomplete", "pdb", "grader.isolation.wire"]:
        importlib.import_module(name)
    # pytest's importlib mode reuses a check module found in sys.modules under its package name.
    for path in sorted(CHECKS_DIR.glob("*.py")):
        importlib.import_module(f"grader.checks.{path.stem}")
    from grader import conventions, i18n
    from grader.checks.support import reference
    from grader.diagnosis.engine import catalogue

    catalogue()
    conventions.of_exercise("k1")
    i18n._table("ui.yaml")
    for name in exercise_meta.names():
        reference(name)


def grade_with(zygote: Zygote, config: dict, checks: JudgePlugin, slot: int = 0,
               on_exercise: Callable[[ExerciseResult, str], None] | None = None) -> dict:
    submission = resolve(config["path"])
    limits = Limits(**config.get("limits", {}))
    with LearnerSession(submission, limits, zygote=zygote, sandbox=config.get("sandbox", False),
                        slot=slot) as session:
        # Each exercise's verdict as it is final, with the isolation it was reached under (for a caller
        # that loses the judge midway, or does not wait for its answer).
        notify = None if on_exercise is None else (
            lambda exercise: on_exercise(exercise, session.isolation))  # type: ignore[call-arg]
        result = judge(submission, config["exercises"], config["lang"], session, checks,
                       label=config.get("label"), on_exercise=notify, strict=bool(config.get("strict")),
                       written=config.get("written"))
    return safe_text.result(result).to_json(timings=True)


def _failed_everywhere(config: dict, entry: dict, why: str, check: str = "grading") -> dict:
    """The verdict for a submission whose judge could not finish: every exercise an error, with why."""
    return failed_everywhere(entry.get("label") or entry["path"], config["exercises"], why, check).to_json()


def _grade_entry(zygote: Zygote, config: dict, entry: dict, checks: JudgePlugin, slot: int) -> dict:
    """One batch entry's verdict; whatever goes wrong is that entry's verdict, never the batch's."""
    try:
        return grade_with(zygote, {**config, **entry}, checks, slot)
    except SubmissionError as exc:  # e.g. a folder without Python: a zero the instructor sees
        if "path" in exc.fields and entry.get("label"):  # as the instructor named it, not our absolute path
            exc.fields["path"] = entry["label"]
        return _failed_everywhere(config, entry, exc.reason(config["lang"]), "submission")
    except Exception as exc:  # noqa: BLE001 - reported as this entry's verdict
        return _failed_everywhere(config, entry, f"{type(exc).__name__}: {exc}")


_LENGTH = struct.Struct(">I")


def _serve_entries(zygote: Zygote, config: dict, checks: JudgePlugin, tasks: int, answers: int,
                   slot: int) -> None:
    """A judge worker's life: grade the entry whose index arrives on ``tasks``, answer its verdict
    (length-prefixed JSON) on ``answers``, until ``tasks`` closes."""
    own: Zygote | None = None
    try:
        with os.fdopen(tasks, "rb") as task_stream, os.fdopen(answers, "wb", buffering=0) as out:
            for line in task_stream:
                if not (own or zygote).alive():  # an earlier submission killed it: a fresh one for the rest
                    if own is not None:
                        own.close()
                    own = Zygote()
                doc = json.dumps(_grade_entry(own or zygote, config, config["batch"][int(line)], checks, slot))
                data = doc.encode()
                out.write(_LENGTH.pack(len(data)) + data)
    finally:
        if own is not None:
            own.close()


class _JudgeWorker:
    """The parent's end of one judge worker: its pid, its two pipes, the entry it is grading."""

    def __init__(self, pid: int, tasks: int, answers: int) -> None:
        self.pid, self.tasks, self.answers = pid, tasks, answers
        self.buffer = bytearray()
        self.index: int | None = None
        self.started = 0.0


def grade_batch(zygote: Zygote, config: dict, checks: JudgePlugin,
                progress: Callable[[int, dict, float], None] | None = None) -> tuple[list[dict], list[float]]:
    """Grade every entry of config["batch"] in up to config["jobs"] judge workers forked from this one.

    This process has imported and loaded what grading needs (``prepare``) and collected the checks, but
    run nothing, so each worker starts clean, sharing this process's memory and its zygote. A worker
    grades one entry after another (a fork per entry would cost a fifth of the grading in page faults);
    a worker that crashes or overruns is killed and replaced, failing only the entry it was grading.
    ``progress(index, verdict, seconds)`` is called as each entry finishes. Returns the verdicts in the
    entries' order, and the seconds each took.
    """
    import gc
    import select
    import signal
    from collections import deque

    entries = config["batch"]
    jobs = min(len(entries), max(1, int(config.get("jobs") or default_jobs())))
    limit = Limits(**config.get("limits", {})).total_timeout + 60
    results: list[dict | None] = [None] * len(entries)
    seconds = [0.0] * len(entries)
    pending = deque(range(len(entries)))
    workers: dict[int, _JudgeWorker] = {}  # by the fd its answers arrive on
    serial = iter(range(1 << 30))  # each worker's learner uid is looked for from its own number on

    def start() -> _JudgeWorker:
        slot = next(serial)
        task_r, task_w = os.pipe()
        answer_r, answer_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # never returns: the parent's pytest session must not go on here
            code = 1
            try:
                for w in workers.values():  # a sibling's pipe held open here would hide its end
                    for fd in (w.tasks, w.answers):
                        if fd >= 0:
                            os.close(fd)
                os.close(task_w)
                os.close(answer_r)
                _serve_entries(zygote, config, checks, task_r, answer_w, slot)
                code = 0
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(answer_w)
        workers[answer_r] = _JudgeWorker(pid, task_w, answer_r)
        return workers[answer_r]

    def assign(worker: _JudgeWorker) -> None:
        if pending:
            worker.index, worker.started = pending.popleft(), time.monotonic()
            os.write(worker.tasks, f"{worker.index}\n".encode())
        else:
            worker.index = None
            os.close(worker.tasks)  # end of its work: it exits
            worker.tasks = -1

    def record(index: int, verdict: dict | None, started: float, why: str) -> None:
        results[index] = verdict or _failed_everywhere(config, entries[index], why)
        seconds[index] = time.monotonic() - started
        if progress is not None:
            progress(index, results[index], seconds[index])

    def end(worker: _JudgeWorker, why: str | None) -> None:
        """The worker is gone (or is killed now): its entry, if any, fails with ``why``."""
        del workers[worker.answers]
        if why is not None:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for fd in (worker.answers, worker.tasks):
            if fd >= 0:
                os.close(fd)
        try:
            os.waitpid(worker.pid, 0)
        except ChildProcessError:
            pass
        if worker.index is not None:
            record(worker.index, None, worker.started, why or "the judge stopped unexpectedly")
            if pending:
                assign(start())

    # Every object the workers inherit stays out of their garbage collections: a collection would write
    # to each object's header and copy, page by page, the memory they otherwise share.
    gc.collect()
    gc.freeze()
    for _ in range(jobs):
        assign(start())
    while workers:
        ready, _, _ = select.select(list(workers), [], [], 1.0)
        for fd in ready:
            worker = workers[fd]
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                end(worker, None)
                continue
            worker.buffer.extend(chunk)
            while len(worker.buffer) >= _LENGTH.size:
                (size,) = _LENGTH.unpack_from(worker.buffer)
                if len(worker.buffer) < _LENGTH.size + size:
                    break
                data = bytes(worker.buffer[_LENGTH.size:_LENGTH.size + size])
                del worker.buffer[:_LENGTH.size + size]
                try:
                    verdict = json.loads(data)
                except ValueError:
                    verdict = None
                if worker.index is not None:
                    record(worker.index, verdict, worker.started, "the judge's answer was unreadable")
                assign(worker)
        now = time.monotonic()
        for worker in list(workers.values()):
            if worker.index is not None and now - worker.started > limit:
                end(worker, f"grading took longer than {limit:g} s")
    return [r for r in results if r is not None], seconds


def _progress_writer(fd: int | None) -> Callable[[int, dict, float], None] | None:
    """One JSON line per finished entry on ``fd``, which the caller reads as the batch goes."""
    if fd is None:
        return None
    stream = os.fdopen(fd, "w", buffering=1)

    def write(index: int, verdict: dict, seconds: float) -> None:
        try:
            stream.write(json.dumps({"index": index, "seconds": seconds, "result": verdict}) + "\n")
        except OSError:
            pass  # nobody is listening any more; the verdicts still go out on stdout

    return write


def main() -> None:
    # Learner code running as this user (no sandbox, not root) cannot open our /proc entries.
    privileges.not_dumpable()
    judge_process.stop_on_sigterm()
    config = json.loads(sys.stdin.read())
    judge_process.watch_parent(config.get("parent"))
    # Our result is the only thing on the real stdout: whatever else prints goes to stderr.
    result_fd = os.dup(1)
    os.dup2(2, 1)
    # First: the zygote's torch import overlaps ours.
    zygote = Zygote()
    try:
        prepare()
        answer: list[object] = []
        progress = _progress_writer(config.get("progress_fd"))
        if "batch" in config:
            def work(checks: JudgePlugin) -> None:
                verdicts, seconds = grade_batch(zygote, config, checks, progress)
                answer.append({"results": verdicts, "seconds": seconds})
        else:
            def work(checks: JudgePlugin) -> None:
                on_exercise = None if progress is None else (
                    lambda result, isolation: progress(0, {**result.to_json(timings=True), "isolation": isolation},
                                                       0.0))
                answer.append(grade_with(zygote, config, checks, on_exercise=on_exercise))
        run_judge(config["lang"], work)
        result = answer[0]
    finally:
        zygote.close()
    with os.fdopen(result_fd, "w") as out:
        json.dump(result, out)
    # Done: skip the interpreter's teardown of torch and pytest (a few tenths of a second the caller
    # would wait for). The zygote and its tmp folder are gone; stdout is flushed and closed.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
