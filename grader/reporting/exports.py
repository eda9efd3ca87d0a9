"""Verdicts in the formats other tools read: CSV (a gradebook), JUnit XML (CI dashboards) and
Gradescope's autograder ``results.json``. Plain data in, text out; no torch here.

Formats, as written:
- CSV (UTF-8 with a BOM by default, so Excel shows Chinese names; or plain UTF-8): one row per
  submission; columns ``student`` (the folder's name or the file's stem), ``submission`` (the entry's
  path), per exercise its score (column ``NAME``) and its status (``NAME_status``: passed, failed,
  missing or error), ``total``, ``max_score``, ``feedback`` (one line in the --lang language: each exercise
  that did not pass and why, its diagnosis or else its first failing check; then the conventions each
  passed exercise missed), ``diagnoses`` (``k2=missing_half`` pairs, ``;``-separated), ``conventions``
  (the conventions each passed exercise missed, ``k1=precision+extremes;k3=extremes``), ``tracks`` (each
  exercise and its track, ``k1=1;...;grpo_loss=2``, the same on every row), ``isolation`` (what the
  submission's code ran under: grader/isolation/modes.py). A score is the exercise's marks: all for the
  maths and every convention, the core share for the maths alone, 0 for wrong maths (all or nothing with
  --strict). Text a submission controls goes through grader/judging/safe_text.py: a cell that would start a
  formula gets a leading apostrophe, line breaks are quoted.
- JUnit XML: ``testsuites`` > one ``testsuite`` per submission > one ``testcase`` per check
  (``classname`` the exercise, ``name`` the check, ``time`` the check's own, as the judge measured it;
  a ``track.NAME`` property per exercise, an ``isolation`` property). A failed check is a ``<failure>``
  (type ``failed``); a check that met the maths but missed a convention is ``<skipped>`` with the message
  ``convention missed: ...`` (a ``<failure>`` of type ``convention`` under --strict, which counts it);
  code that could not be tested, a file that does not import or a missing function, is an ``<error>``
  (type ``error`` / ``missing``), counted in the suite's ``errors``. The document validates against the
  Apache Ant schema (windyroad JUnit.xsd) and Jenkins' junit-10.xsd.
- Gradescope: the autograder specification's ``results.json`` for one submission, one test per
  exercise (its score as above, so the tests' scores add up to the total), tagged with its name,
  ``track-N``, its diagnosis if any and ``convention-ID`` for each convention it missed; the output ends
  with the isolation line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path, PurePath
from typing import Iterable

from grader import exercises as exercises_meta
from grader.judging import safe_text
from grader.isolation import labels
from grader.i18n import KeyedError, pick, t
from grader.conventions import core_share
from grader.reporting.report import _function, _num, convention_lines, output_block
from grader.judging.results import ExerciseResult, GradeResult


class ExportError(KeyedError):
    """An export cannot be written; ``key`` and ``fields`` name the UI message (grader/data/ui.yaml)."""


def _track(name: str) -> str:
    """An exercise's track as text ("" for a name the metadata does not know)."""
    from grader import exercises

    try:
        return str(exercises.get(name).track)
    except KeyError:
        return ""


# -- CSV ----------------------------------------------------------------------------------------------
CSV_ENCODINGS = ("utf-8-sig", "utf-8")  # with a BOM (Excel then reads UTF-8, Chinese names included), without
FEEDBACK_PER_EXERCISE = 160  # characters of one exercise's feedback
FEEDBACK_MAX = 400  # characters of the whole feedback cell


def student_name(submission: str) -> str:
    """The student a batch entry stands for: its folder's name, or its file's name without .py/.ipynb (or
    an archive's suffix)."""
    path = PurePath(submission)
    from grader.intake.archives import is_archive, stem

    if is_archive(path.name):  # a student's upload, unpacked for grading
        return stem(path.name)
    return path.stem if path.suffix in (".py", ".ipynb") else path.name or submission


def one_line(text: str, limit: int, middle: bool = False) -> str:
    """``text`` on one line of at most ``limit`` characters: line breaks and other control characters
    become spaces (a spreadsheet row must stay one row), runs of spaces one space, the cut an ellipsis,
    at the end or, with ``middle``, in the middle (a check's message ends with why: "... failed: it
    raised ValueError: ...")."""
    # A syntax error's caret line points into the line above it: on one line it would point nowhere.
    text = "\n".join(line for line in text.split("\n") if line.strip(" ^") or not line.strip())
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(text) <= limit:
        return text
    if not middle:
        return _whole_words(text[:limit - 1], text[limit - 1]).rstrip(" ,;:") + "…"
    head = (limit - 1) // 2
    tail = text[len(text) - (limit - 1 - head):]
    tail = tail[::-1]
    tail = _whole_words(tail, text[len(text) - len(tail) - 1])[::-1]  # (the cut before the tail, mirrored)
    return _whole_words(text[:head], text[head]).rstrip(" ,;:") + "…" + tail.lstrip()


def _whole_words(part: str, next_char: str) -> str:
    """``part`` of a longer text, without the word the cut went through (when a space is near enough:
    Chinese, with none, is cut between any two characters)."""
    if next_char == " " or part.endswith(" "):
        return part
    space = part.rfind(" ")
    return part[:space] if space >= len(part) - 24 else part


def _exercise_feedback(e: ExerciseResult, lang: str) -> str:
    """Why ``e`` did not pass, in a few words: its diagnosis in plain words (which says what is wrong
    first), else its first failing check (which says why last: "... failed: it timed out after 2 s")."""
    if e.diagnosis:
        return one_line(pick(e.diagnosis["message"], lang), FEEDBACK_PER_EXERCISE)
    if e.status == "missing":
        return one_line(t(exercises_meta.missing_key(e.name), lang, function=_function(e.name)),
                        FEEDBACK_PER_EXERCISE)
    failure = e.first_failure()
    text = failure.message if failure is not None and failure.message else t(f"status_{e.status}", lang)
    return one_line(text, FEEDBACK_PER_EXERCISE, middle=True)


def _conventions_feedback(e: ExerciseResult, lang: str) -> str:
    """The conventions a passed exercise missed, by name."""
    from grader import conventions

    named = []
    for c in e.missed:
        try:
            named.append(pick(conventions.get(c.id).name, lang))
        except KeyError:
            named.append(c.id)
    return t("feedback_conventions", lang, conventions=t("name_sep", lang).join(named))


def feedback(result: GradeResult, names: list[str], lang: str) -> str:
    """One short line for the gradebook: each exercise of ``names`` that did not pass, and why; the
    exercises with the same reason (a file that does not import fails them all) named together; then
    the conventions each passed exercise missed."""
    by_reason: dict[str, list[str]] = {}
    for name in names:
        e = next((e for e in result.exercises if e.name == name), None)
        if e is not None and e.status != "passed":
            by_reason.setdefault(_exercise_feedback(e, lang), []).append(name)
    for name in names:
        e = next((e for e in result.exercises if e.name == name), None)
        if e is not None and e.status == "passed" and e.missed:
            by_reason.setdefault(_conventions_feedback(e, lang), []).append(name)
    parts = [t("first_failure", lang, name=t("name_sep", lang).join(exercises), message=reason)
             for reason, exercises in by_reason.items()]
    return one_line(t("list_sep", lang).join(parts), FEEDBACK_MAX)


def _text_cell(text: str) -> str:
    # A file name or a learner's exception message must never run as a formula (CSV injection).
    return safe_text.csv_cell(text)


def to_csv(results: list[GradeResult], names: list[str], lang: str = "en") -> str:
    """One row per submission: the student, per exercise in ``names`` its score and status, the total,
    one line of feedback in ``lang``, the diagnoses."""
    results = [safe_text.result(r) for r in results]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "submission", *(c for n in names for c in (n, f"{n}_status")), "total",
                     "max_score", "feedback", "diagnoses", "conventions", "tracks", "isolation"])
    tracks = ";".join(f"{n}={_track(n)}" for n in names)
    for r in results:
        by_name = {e.name: e for e in r.exercises}
        cells = [(_num(by_name[n].score), by_name[n].status) if n in by_name else ("", "") for n in names]
        diagnoses = ";".join(f"{e.name}={'+'.join(e.diagnosis_ids)}" for e in r.exercises if e.diagnosis)
        missed = ";".join(f"{e.name}={'+'.join(c.id for c in e.missed)}" for e in r.exercises
                          if e.status == "passed" and e.missed)
        writer.writerow([_text_cell(student_name(r.submission)), _text_cell(r.submission),
                         *(c for pair in cells for c in pair), _num(r.score), _num(r.max_score),
                         _text_cell(feedback(r, names, lang)), diagnoses, missed, tracks, r.isolation])
    return out.getvalue()


# -- JUnit XML ----------------------------------------------------------------------------------------
def _failure_text(e: ExerciseResult, message: str, lang: str) -> str:
    if e.diagnosis:
        named = [e.diagnosis, *e.named_beside]
        return f"{message}\n\n" + "\n".join(f"{d['id']}: {pick(d['message'], lang)}" for d in named)
    return message


# An exercise's status, as JUnit says it: a wrong answer is a failure (an assertion that did not
# hold); code that could not be tested at all (a file that does not import, no such function, a
# judge that had to stop) is an error, which dashboards count and show apart.
_JUNIT_ELEMENT = {"failed": "failure", "error": "error", "missing": "error"}


def _junit_element(e: ExerciseResult, kind: str) -> str:
    """A convention missed is not held against the maths (skipped) unless graded --strict (a failure)."""
    if kind == "convention":
        return "failure" if e.strict else "skipped"
    return _JUNIT_ELEMENT.get(kind, "failure")


def _testcases(e: ExerciseResult, lang: str) -> Iterable[tuple[str, str | None, str, str, float]]:
    """(name, kind or None, message, text, seconds) for each check of ``e``; kind is the exercise's
    status (failed, error or missing) for a check that did not pass, "convention" for one that met the
    maths but missed a convention (a failure under --strict, else skipped)."""
    if e.status == "missing":
        message = t(exercises_meta.missing_key(e.name), lang, function=_function(e.name))
        yield "defined", "missing", message, message, 0.0
        return
    for c in e.checks:
        if c.passed:
            yield c.name, None, c.message, "", c.seconds or 0.0
        elif not c.core_failure:
            message = t("junit_convention", lang, conventions=", ".join(c.conventions), message=c.message)
            yield c.name, "convention", message, _failure_text(e, message, lang), c.seconds or 0.0
        else:
            yield c.name, e.status, c.message, _failure_text(e, c.message, lang), c.seconds or 0.0


def to_junit_xml(results: list[GradeResult], lang: str = "en", timestamp: float | None = None) -> str:
    """A JUnit XML document: a testsuite per submission, a testcase per check."""
    import socket

    results = [safe_text.result(r) for r in results]  # (XML 1.0 forbids most control characters)
    from xml.etree import ElementTree as ET

    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(timestamp))
    host = socket.gethostname() or "localhost"
    root = ET.Element("testsuites")
    for index, r in enumerate(results):
        cases = [(e, case) for e in r.exercises for case in _testcases(e, lang)]
        counts = {"failure": 0, "error": 0, "skipped": 0}
        for e, case in cases:
            if case[1] is not None:
                counts[_junit_element(e, case[1])] += 1
        suite = ET.SubElement(root, "testsuite", {
            "name": r.submission, "package": "kldrill", "id": str(index), "timestamp": stamp, "hostname": host,
            "tests": str(len(cases)), "failures": str(counts["failure"]), "errors": str(counts["error"]),
            "skipped": str(counts["skipped"]), "time": f"{r.seconds or 0.0:.3f}"})
        props = ET.SubElement(suite, "properties")
        for key, value in [("score", _num(r.score)), ("max_score", _num(r.max_score)),
                           *([("isolation", r.isolation)] if r.isolation else []),
                           *((f"diagnosis.{e.name}", e.diagnosis["id"]) for e in r.exercises if e.diagnosis),
                           *((f"diagnosis_also.{e.name}", "+".join(e.diagnosis_ids[1:])) for e in r.exercises
                             if e.named_beside),
                           *((f"track.{e.name}", _track(e.name)) for e in r.exercises)]:
            ET.SubElement(props, "property", {"name": key, "value": value})
        for e, (name, kind, message, text, seconds) in cases:
            # Each check's own time, measured by the judge (0 where none was: a missing function, a
            # judge that stopped); the suite's time is the submission's whole grading, start-up included.
            case = ET.SubElement(suite, "testcase", {"classname": e.name, "name": name, "time": f"{seconds:.3f}"})
            if kind is not None and _junit_element(e, kind) == "skipped":
                ET.SubElement(case, "skipped", {"message": message})
            elif kind is not None:
                element = ET.SubElement(case, _junit_element(e, kind), {"type": kind, "message": message})
                element.text = text
        # What the learner's code printed, by exercise (already capped and escaped by the judge).
        ET.SubElement(suite, "system-out").text = "".join(
            f"[{e.name}]\n{e.output.rstrip()}\n" for e in r.exercises if e.output)
        ET.SubElement(suite, "system-err").text = ""
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- Gradescope ---------------------------------------------------------------------------------------
MAX_LISTED = 5  # failing checks listed per exercise; the rest are counted


def _exercise_output(e: ExerciseResult, lang: str) -> str:
    passed = sum(c.passed for c in e.checks)
    status = t(f"status_{e.status}", lang) + ("*" if e.status == "passed" and e.missed else "")
    lines = [t("checks_passed", lang, status=status, passed=passed, total=len(e.checks)) if e.checks else status]
    if e.diagnosis:
        lines.append(pick(e.diagnosis["message"], lang))
        lines += [t("diagnosis_also", lang, message=pick(a["message"], lang)) for a in e.named_beside]
    if e.status == "missing":
        lines.append(t(exercises_meta.missing_key(e.name), lang, function=_function(e.name)))
    failing = [c for c in e.checks if c.core_failure]
    lines += [f"✗ {c.name}: {c.message}" for c in failing[:MAX_LISTED]]
    if len(failing) > MAX_LISTED:
        lines.append(t("more_failures", lang, count=len(failing) - MAX_LISTED))
    if e.missed and e.status == "passed":
        lines.append(t("passed_star_note", lang, share=f"{core_share():.0%}"))
    for missed in e.missed:
        lines += convention_lines(e, missed.id, lang)
    if e.output:
        lines += ["", output_block(e, lang)]
    return "\n".join(lines)


# Gradescope's visibility settings: when students see a test (or the autograder's stdout).
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def _summary(result: GradeResult, lang: str) -> str:
    """The submission-wide output: the total, after the reason when the whole submission failed for one
    (no Python in it, a syntax error in its only file, an unreadable notebook, no function found)."""
    total = t("total_line", lang, score=_num(result.score), max=_num(result.max_score))
    exercises = result.exercises
    if not exercises or any(e.status == "passed" for e in exercises):
        return total
    if all(e.status == "missing" for e in exercises):
        functions = ", ".join(_function(e.name) for e in exercises)
        return f"{t('gradescope_none_defined', lang, functions=functions)}\n\n{total}"
    reasons = {e.first_failure().message if e.status == "error" and e.first_failure() else None for e in exercises}
    if len(reasons) == 1 and None not in reasons:
        return f"{reasons.pop()}\n\n{total}"
    return total


def to_gradescope(result: GradeResult, lang: str = "en", visibility: str = "visible",
                  stdout_visibility: str = "hidden") -> dict:
    """Gradescope's autograder ``results.json`` for one submission: one test per exercise, each shown to
    students as ``visibility`` says (one of VISIBILITIES), as is the autograder's stdout."""
    result = safe_text.result(result)
    tests = [{"name": e.name, "number": str(i), "score": e.score, "max_score": e.max_score,
              "status": "passed" if e.status == "passed" else "failed", "output": _exercise_output(e, lang),
              "tags": [e.name, f"track-{_track(e.name)}", *e.diagnosis_ids,
                       *(f"convention-{c.id}" for c in e.missed)],
              "visibility": visibility}
             for i, e in enumerate(result.exercises, start=1)]
    summary = "\n".join(filter(None, [_summary(result, lang), labels.line(result.isolation, lang)]))
    doc = {"score": result.score, "output": summary, "visibility": visibility,
           "stdout_visibility": stdout_visibility, "tests": tests}
    if result.seconds is not None:
        doc["execution_time"] = round(result.seconds, 3)
    return doc


# -- writing ------------------------------------------------------------------------------------------
def check_targets(targets: dict[str, str], force: bool) -> None:
    """Refuse, before any grading, an export that would overwrite a file (without ``force``), that
    names a folder, that has no folder to go in, or that two exports share."""
    seen: dict[str, str] = {}
    for fmt, target in targets.items():
        path = Path(target)
        real = os.path.realpath(path)
        if real in seen:
            raise ExportError("export_same_file", path=target)
        seen[real] = fmt
        if path.is_dir():
            raise ExportError("export_is_dir", path=target)
        if not path.parent.is_dir():
            raise ExportError("export_no_dir", path=target)
        if path.exists() and not force:
            raise ExportError("export_exists", path=target)


def write(target: str, text: str, force: bool, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` whole: a temporary file renamed over it, so a crash leaves no half
    file; without ``force``, never over an existing file (checked again here, just before)."""
    path = Path(target)
    if path.exists() and not force:
        raise ExportError("export_exists", path=target)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # errors="replace": a file name that is not UTF-8 (os.listdir's surrogates) must not lose the export.
        tmp.write_text(text, encoding=encoding, errors="replace")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError("export_failed", path=target, reason=exc) from None


def export_all(results: list[GradeResult], targets: dict[str, str], names: list[str], lang: str,
               force: bool, visibility: tuple[str, str] = ("visible", "hidden"),
               csv_encoding: str = CSV_ENCODINGS[0]) -> None:
    """Write each requested export (``targets``: format -> file). Gradescope takes one submission, and
    ``visibility``: its tests' and its stdout's. ``csv_encoding``: utf-8-sig (a BOM first, the default,
    for Excel) or utf-8."""
    texts = {"csv": lambda: to_csv(results, names, lang), "junit": lambda: to_junit_xml(results, lang),
             "gradescope": lambda: json.dumps(to_gradescope(results[0], lang, *visibility), ensure_ascii=False,
                                              indent=2) + "\n"}
    for fmt, target in targets.items():
        write(target, texts[fmt](), force, encoding=csv_encoding if fmt == "csv" else "utf-8")
