"""The exports (CSV, JUnit XML, Gradescope results.json) against their schemas, and their CLI guards."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from conftest import EXERCISES, SOLUTIONS, kldrill

# The sample results below are synthetic, built over these five exercises (not the whole catalogue).
NAMES = ["k1", "k2", "k3", "grpo_kl", "compute_rewards_kl"]
from grader.exports import to_csv, to_gradescope, to_junit_xml
from grader.results import Check, ExerciseResult, GradeResult

SCHEMAS = Path(__file__).resolve().parent / "schemas"
# Two JUnit schemas that disagree on details (the error element's name, attributes on testsuites):
# what kldrill writes must satisfy both, so any dashboard that follows either reads it.
JUNIT_SCHEMAS = [xmlschema.XMLSchema(str(SCHEMAS / "JUnit.xsd")), xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))]
GRADESCOPE = json.loads((SCHEMAS / "gradescope_results.schema.json").read_text())
# Gradescope's field names, exactly (tooling-notes.md, "Output formats").
GRADESCOPE_TOP = {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "number", "output", "tags", "visibility"}


def sample_results() -> list[GradeResult]:
    """Every status, a diagnosis, and text that XML and CSV must escape."""
    diag = {"id": "missing_half", "message": {"en": "You forgot the 1/2.", "zh": "你漏掉了 1/2。"}}
    first = GradeResult("class/alice.py", [
        ExerciseResult("k1", "passed", 1.0, [Check("hand_examples", True), Check("values[float32]", True)]),
        ExerciseResult("k2", "failed", 1.0, [Check("hand_examples", False, 'k2 is wrong at <0> & "1"'),
                                             Check("shape", True)], diag, output='debug <x> & "y"\n'),
        ExerciseResult("k3", "missing", 1.0),
        ExerciseResult("grpo_kl", "error", 1.0, [Check("import", False, "SyntaxError: invalid syntax (x.py, line 3)")]),
        ExerciseResult("compute_rewards_kl", "passed", 1.0, [Check("hand_examples", True)]),
    ], seconds=0.4567)
    second = GradeResult("class/bob, jr", [ExerciseResult(n, "passed", 1.0, [Check("hand_examples", True)])
                                          for n in NAMES])
    return [first, second]


def test_junit_xml_validates_against_both_junit_schemas() -> None:
    text = to_junit_xml(sample_results(), "en")
    for schema in JUNIT_SCHEMAS:
        schema.validate(text)
    import xml.etree.ElementTree as ET

    root = ET.fromstring(text)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["class/alice.py", "class/bob, jr"]
    alice = suites[0]
    cases = alice.findall("testcase")
    # one testcase per check; a missing function is one failing testcase
    assert len(cases) == 2 + 2 + 1 + 1 + 1 == int(alice.get("tests"))
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(alice.get("failures")) == len(failures) == 3
    kinds = {c.get("classname"): c.find("failure").get("type") for c in failures}
    assert kinds == {"k2": "failed", "k3": "missing", "grpo_kl": "error"}
    k2 = next(c for c in failures if c.get("classname") == "k2")
    assert k2.get("name") == "hand_examples"
    assert k2.find("failure").get("message") == 'k2 is wrong at <0> & "1"'
    assert "missing_half: You forgot the 1/2." in k2.find("failure").text
    props = {p.get("name"): p.get("value") for p in alice.find("properties")}
    assert props == {"score": "2", "max_score": "5", "diagnosis.k2": "missing_half",
                     **{f"track.{n}": "1" for n in NAMES}}
    assert suites[1].get("failures") == "0"
    # What the learner's code printed goes where CI dashboards show a suite's output.
    assert alice.find("system-out").text == '[k2]\ndebug <x> & "y"\n'
    assert suites[1].find("system-out").text in (None, "")


def test_junit_xml_of_nothing_is_still_valid() -> None:
    for schema in JUNIT_SCHEMAS:
        schema.validate(to_junit_xml([], "en"))


def test_a_wrong_junit_document_is_refused_by_the_schemas() -> None:
    """The schemas do bite: a testsuite without its required counts fails both."""
    bad = '<testsuites><testsuite name="x"><testcase name="a" classname="b" time="0"/></testsuite></testsuites>'
    for schema in JUNIT_SCHEMAS:
        assert not schema.is_valid(bad)


def test_gradescope_validates_and_uses_gradescopes_field_names() -> None:
    doc = to_gradescope(sample_results()[0], "en")
    jsonschema.validate(doc, GRADESCOPE)
    assert set(doc) == GRADESCOPE_TOP
    assert all(set(test) == GRADESCOPE_TEST for test in doc["tests"])
    assert doc["score"] == 2.0 == sum(test["score"] for test in doc["tests"])
    assert doc["execution_time"] == pytest.approx(0.457)
    assert [(t["name"], t["status"], t["score"], t["max_score"]) for t in doc["tests"]] == [
        ("k1", "passed", 1.0, 1.0), ("k2", "failed", 0.0, 1.0), ("k3", "failed", 0.0, 1.0),
        ("grpo_kl", "failed", 0.0, 1.0), ("compute_rewards_kl", "passed", 1.0, 1.0)]
    k2 = doc["tests"][1]
    assert "You forgot the 1/2." in k2["output"] and "k2 is wrong at" in k2["output"]
    assert k2["tags"] == ["k2", "track-1", "missing_half"]
    assert 'your output, not the grader\'s' in k2["output"] and '  │ debug <x> & "y"' in k2["output"]
    assert "printed" not in doc["tests"][0]["output"]
    assert "no function k3()" in doc["tests"][2]["output"]
    zh = to_gradescope(sample_results()[0], "zh")
    assert "你漏掉了 1/2。" in zh["tests"][1]["output"]


def test_gradescope_visibility_is_the_instructors_choice() -> None:
    doc = to_gradescope(sample_results()[0], "en", visibility="after_published", stdout_visibility="visible")
    jsonschema.validate(doc, GRADESCOPE)
    assert doc["visibility"] == "after_published" and doc["stdout_visibility"] == "visible"
    assert {t["visibility"] for t in doc["tests"]} == {"after_published"}  # a test's own overrides the top's


def test_gradescopes_summary_gives_the_reason_when_the_whole_submission_failed_for_one() -> None:
    why = "solution.py: SyntaxError (solution.py:3)"
    broken = GradeResult("s", [ExerciseResult(n, "error", 1.0, [Check("import", False, why)]) for n in NAMES[:2]])
    assert to_gradescope(broken, "en")["output"] == f"{why}\n\ntotal: 0/2"
    nothing = GradeResult("s", [ExerciseResult(n, "missing", 1.0) for n in NAMES[:2]])
    assert to_gradescope(nothing, "zh")["output"] == ("提交中找不到本次作业的任何函数：请在 .py 文件或笔记本的顶层定义 "
                                                      "k1, k2，名称须完全一致\n\n总分: 0/2")
    # Anything passed, or failures of different kinds: the tests say it, the summary is the total.
    assert to_gradescope(sample_results()[0], "en")["output"] == "total: 2/5"
    mixed = GradeResult("s", [broken.exercises[0], nothing.exercises[1]])
    assert to_gradescope(mixed, "en")["output"] == "total: 0/2"


def test_the_gradescope_schema_bites() -> None:
    doc = to_gradescope(sample_results()[1], "en")
    jsonschema.validate(doc, GRADESCOPE)
    no_total = {k: v for k, v in doc.items() if k != "score"}
    jsonschema.validate(no_total, GRADESCOPE)  # the tests' scores make the total
    for broken in ({**doc, "scores": 1}, {**doc, "tests": [{**doc["tests"][0], "status": "ok"}]},
                   {**doc, "visibility": "public"},
                   {**no_total, "tests": [{k: v for k, v in doc["tests"][0].items() if k != "score"}]},
                   {k: v for k, v in no_total.items() if k != "tests"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, GRADESCOPE)


def test_csv_reads_back_with_a_column_per_exercise() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(sample_results(), NAMES))))
    assert list(rows[0]) == ["submission", *NAMES, "total", "max_score", "diagnoses", "tracks"]
    assert rows[0] == {"submission": "class/alice.py", "k1": "1", "k2": "0", "k3": "0", "grpo_kl": "0",
                       "compute_rewards_kl": "1", "total": "2", "max_score": "5", "diagnoses": "k2=missing_half",
                       "tracks": "k1=1;k2=1;k3=1;grpo_kl=1;compute_rewards_kl=1"}
    assert rows[1]["submission"] == "class/bob, jr" and rows[1]["total"] == "5"


def test_single_submission_exports_from_the_cli(tmp_path: Path) -> None:
    out = {"csv": tmp_path / "grades.csv", "xml": tmp_path / "junit.xml", "gs": tmp_path / "results.json"}
    proc = kldrill("grade", str(SOLUTIONS), "-e", "k1", "-e", "k3", "--json", "--csv", str(out["csv"]),
                   "--junit-xml", str(out["xml"]), "--gradescope", str(out["gs"]))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["score"] == 2.0  # the usual single-submission JSON, unchanged
    doc = json.loads(out["gs"].read_text())
    jsonschema.validate(doc, GRADESCOPE)
    assert set(doc) == GRADESCOPE_TOP and doc["score"] == 2.0 and [t["name"] for t in doc["tests"]] == ["k1", "k3"]
    for schema in JUNIT_SCHEMAS:
        schema.validate(str(out["xml"]))
    (row,) = list(csv.DictReader(out["csv"].open()))
    assert row["k1"] == row["k3"] == "1" and row["total"] == "2" and list(row) == [
        "submission", "k1", "k3", "total", "max_score", "diagnoses", "tracks"]


def test_exports_never_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "grades.csv"
    target.write_text("precious\n")
    for flag in ("--csv", "--junit-xml", "--gradescope"):
        proc = kldrill("grade", str(SOLUTIONS), "-e", "k1", flag, str(target))
        assert proc.returncode == 2, (flag, proc.stderr)
        assert proc.stdout == "" and proc.stderr.count("\n") == 1 and "--force" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert target.read_text() == "precious\n"
    proc = kldrill("grade", str(SOLUTIONS), "-e", "k1", "--csv", str(target), "--force")
    assert proc.returncode == 0, proc.stderr
    assert target.read_text().startswith("submission,k1,total")


@pytest.mark.parametrize("args", [
    ["--csv", "{tmp}"],                                 # a folder, not a file
    ["--csv", "{tmp}/no/such/folder/grades.csv"],       # nowhere to write it
    ["--csv", "{tmp}/a.out", "--junit-xml", "{tmp}/a.out"],  # two exports, one file
], ids=["folder", "no-parent", "same-file"])
def test_bad_export_targets_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    proc = kldrill("grade", str(SOLUTIONS), *[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_visibility_options_need_gradescope(tmp_path: Path) -> None:
    proc = kldrill("grade", str(SOLUTIONS), "-e", "k1", "--visibility", "hidden")
    assert proc.returncode == 2 and proc.stderr.strip() == "kldrill: --visibility goes with --gradescope FILE"


def test_grade_writes_results_json_for_a_path_that_cannot_be_graded(tmp_path: Path) -> None:
    """`kldrill grade --gradescope` alone (no run_autograder): a missing path, a stub, the CLI's exit."""
    missing = kldrill("grade", str(tmp_path / "nope"), "-e", "k1", "--gradescope", str(tmp_path / "r.json"))
    assert missing.returncode == 2 and missing.stderr.startswith("kldrill: no such file or folder")
    doc = json.loads((tmp_path / "r.json").read_text())
    jsonschema.validate(doc, GRADESCOPE)
    assert doc["score"] == 0.0 and doc["output"].startswith("no such file or folder: ")
    (tmp_path / "upload").mkdir()
    (tmp_path / "upload" / "notes.txt").write_text("see email\n")
    empty = kldrill("grade", str(tmp_path / "upload"), "-e", "k1", "-e", "k3", "--gradescope", str(tmp_path / "e.json"),
                    "--lang", "zh", "--visibility", "hidden")
    assert empty.returncode == 2 and empty.stderr.count("\n") == 1 and "Traceback" not in empty.stderr
    doc = json.loads((tmp_path / "e.json").read_text())
    jsonschema.validate(doc, GRADESCOPE)
    assert doc["score"] == 0.0 and [t["name"] for t in doc["tests"]] == ["k1", "k3"] and doc["visibility"] == "hidden"
    assert "中既没有 .py 文件，也没有笔记本（.ipynb）（其中只有 notes.txt）" in doc["output"]
    stub = kldrill("grade", str(EXERCISES / "k1.py"), "-e", "k1", "--gradescope", str(tmp_path / "s.json"))
    assert stub.returncode == 1 and json.loads((tmp_path / "s.json").read_text())["score"] == 0.0
