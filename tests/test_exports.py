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
from grader.reporting.exports import to_csv, to_gradescope, to_junit_xml
from grader.judging.grading import use_sandbox
from grader.judging.results import Check, ExerciseResult, GradeResult

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
        ExerciseResult("k1", "passed", 1.0, [Check("hand_examples", True, seconds=0.0123),
                                             Check("values[float32]", True, seconds=0.0021)]),
        ExerciseResult("k2", "failed", 1.0, [Check("hand_examples", False, 'k2 is wrong at <0> & "1"', seconds=0.25),
                                             Check("shape", True, seconds=0.001)], diag, output='debug <x> & "y"\n'),
        ExerciseResult("k3", "missing", 1.0),
        ExerciseResult("grpo_kl", "error", 1.0, [Check("import", False, "SyntaxError: invalid syntax (x.py, line 3)",
                                                       seconds=0.0804)]),
        ExerciseResult("compute_rewards_kl", "passed", 1.0, [Check("hand_examples", True, seconds=0.003)]),
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
    # A wrong answer is a <failure>; code that could not be tested (no such function, a file that does
    # not import) an <error>, counted apart: dashboards show "1 failed, 2 errors".
    failures = [c for c in cases if c.find("failure") is not None]
    errors = [c for c in cases if c.find("error") is not None]
    assert int(alice.get("failures")) == len(failures) == 1
    assert int(alice.get("errors")) == len(errors) == 2
    assert {c.get("classname"): c.find("failure").get("type") for c in failures} == {"k2": "failed"}
    assert {c.get("classname"): c.find("error").get("type") for c in errors} == {"k3": "missing", "grpo_kl": "error"}
    grpo = next(c for c in errors if c.get("classname") == "grpo_kl")
    assert grpo.find("error").get("message") == "SyntaxError: invalid syntax (x.py, line 3)"
    # Each testcase carries its own check's time (missing: none measured), the suite the whole grading's.
    assert [(c.get("classname"), c.get("name"), c.get("time")) for c in cases] == [
        ("k1", "hand_examples", "0.012"), ("k1", "values[float32]", "0.002"), ("k2", "hand_examples", "0.250"),
        ("k2", "shape", "0.001"), ("k3", "defined", "0.000"), ("grpo_kl", "import", "0.080"),
        ("compute_rewards_kl", "hand_examples", "0.003")]
    assert alice.get("time") == "0.457" and alice.get("skipped") == "0"
    k2 = next(c for c in failures if c.get("classname") == "k2")
    assert k2.get("name") == "hand_examples"
    assert k2.find("failure").get("message") == 'k2 is wrong at <0> & "1"'
    assert "missing_half: You forgot the 1/2." in k2.find("failure").text
    props = {p.get("name"): p.get("value") for p in alice.find("properties")}
    assert props == {"score": "2", "max_score": "5", "diagnosis.k2": "missing_half",
                     **{f"track.{n}": "1" for n in NAMES}}
    assert suites[1].get("failures") == suites[1].get("errors") == "0"
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
                                                      "k1, k2，名称须完全一致\n\n总分：0/2")
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


CSV_COLUMNS = ["student", "submission", *(c for n in NAMES for c in (n, f"{n}_status")), "total", "max_score",
               "feedback", "diagnoses", "conventions", "tracks", "isolation"]


def test_csv_reads_back_with_a_score_and_a_status_per_exercise() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(sample_results(), NAMES))))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows[0] == {"student": "alice", "submission": "class/alice.py",
                       "k1": "1", "k1_status": "passed", "k2": "0", "k2_status": "failed",
                       "k3": "0", "k3_status": "missing", "grpo_kl": "0", "grpo_kl_status": "error",
                       "compute_rewards_kl": "1", "compute_rewards_kl_status": "passed", "total": "2", "max_score": "5",
                       "feedback": "k2: You forgot the 1/2.; k3: no function k3() in the submission; "
                                   "grpo_kl: SyntaxError: invalid syntax (x.py, line 3)",
                       "diagnoses": "k2=missing_half", "conventions": "",
                       "tracks": "k1=1;k2=1;k3=1;grpo_kl=1;compute_rewards_kl=1",
                       "isolation": ""}  # (no code ran for these made-up verdicts)
    assert rows[1]["student"] == "bob, jr" and rows[1]["submission"] == "class/bob, jr"
    assert rows[1]["total"] == "5" and rows[1]["feedback"] == ""


def gradebook_results() -> list[GradeResult]:
    """A Chinese name; feedback with a comma, quotes, a line break and control characters (the learner's
    exception message is in it); names Excel would run as formulas."""
    wrong = Check("hand_examples", False,
                  'calling k1(...) failed: it raised ValueError: bad, "quoted"\r\nline two\x1b[2J\x00\u2028end')
    return [GradeResult("week3/张伟", [ExerciseResult("k1", "failed", 1.0, [Check("shape", True), wrong]),
                                      ExerciseResult("k2", "passed", 1.0, [Check("hand_examples", True)])]),
            GradeResult("=HYPERLINK(1).py", [ExerciseResult("k1", "missing", 1.0),
                                                   ExerciseResult("k2", "passed", 1.0, [Check("x", True)])]),
            GradeResult("-bob.ipynb", [ExerciseResult("k1", "failed", 1.0, [Check("values", False, "x" * 500)]),
                                       ExerciseResult("k2", "failed", 1.0, [Check("values", False, "y" * 500)])])]


def test_the_gradebook_reads_back_in_excels_encoding_one_row_per_student(tmp_path: Path) -> None:
    from grader.reporting.exports import FEEDBACK_MAX, FEEDBACK_PER_EXERCISE, export_all

    target = tmp_path / "grades.csv"
    export_all(gradebook_results(), {"csv": str(target)}, ["k1", "k2"], "en", force=False)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: without it Excel reads the UTF-8 as a code page
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert raw.count(b"\n") == 1 + len(rows) == 4  # a line break in a message does not split a row
    zhang, formula, bob = rows
    assert zhang["student"] == "张伟" and zhang["k1_status"] == "failed" and zhang["k2_status"] == "passed"
    # Control characters are shown escaped (grader/judging/safe_text.py), never obeyed; the line break is a space.
    assert zhang["feedback"] == ('k1: calling k1(...) failed: it raised ValueError: bad, "quoted" line '
                                 'two\\x1b[2J\\x00\\u2028end')
    # A cell Excel would evaluate (=, +, -, @) is text, not a formula.
    assert formula["student"] == "'=HYPERLINK(1)" and formula["submission"] == "'=HYPERLINK(1).py"
    assert formula["feedback"] == "k1: no function k1() in the submission"
    assert bob["student"] == "'-bob"
    # Long messages are cut, in the middle: one exercise's at most FEEDBACK_PER_EXERCISE characters.
    assert bob["feedback"] == f"k1: {'x' * 79}…{'x' * 80}; k2: {'y' * 79}…{'y' * 80}"
    assert len(bob["feedback"].split("; ")[0]) == len("k1: ") + FEEDBACK_PER_EXERCISE <= FEEDBACK_MAX


def test_the_gradebook_feedback_follows_the_language() -> None:
    diag = {"id": "ratio_inverted", "message": {"en": "You inverted the ratio.", "zh": "你把比值弄反了。"}}
    result = GradeResult("class/李娜.py", [ExerciseResult("k3", "failed", 1.0, [Check("values", False, "wrong")],
                                                         diag),
                                          ExerciseResult("k1", "missing", 1.0)])
    (row,) = csv.DictReader(io.StringIO(to_csv([result], ["k3", "k1"], "zh")))
    assert row["student"] == "李娜"
    assert row["feedback"] == "k3：你把比值弄反了。；k1：提交中没有函数 k1()"  # the diagnosis, not the check
    (row,) = csv.DictReader(io.StringIO(to_csv([result], ["k3", "k1"], "en")))
    assert row["feedback"] == "k3: You inverted the ratio.; k1: no function k1() in the submission"


def test_the_gradebook_names_the_exercises_one_reason_fails_together_and_keeps_a_diagnosis_head() -> None:
    """A file that does not import fails every exercise for one reason: said once. A long diagnosis
    keeps its start, where it says what is wrong."""
    syntax = Check("import", False, "it raised SyntaxError: '(' was never closed (王芳.py:62)")
    long_diag = {"id": "ratio_inverted", "message": {"en": "You inverted the ratio. " + "More. " * 60,
                                                     "zh": "你把比值颠倒了。" + "更多。" * 80}}
    results = [GradeResult("week3/王芳.py", [ExerciseResult(n, "error", 1.0, [syntax]) for n in ("k1", "k2", "k3")]),
               GradeResult("week3/carol", [ExerciseResult("k3", "failed", 1.0, [Check("v", False, "x")], long_diag)])]
    rows = list(csv.DictReader(io.StringIO(to_csv(results, ["k1", "k2", "k3"], "en"))))
    assert rows[0]["feedback"] == "k1, k2, k3: it raised SyntaxError: '(' was never closed (王芳.py:62)"
    assert rows[1]["feedback"].startswith("k3: You inverted the ratio. More.") and rows[1]["feedback"].endswith("…")
    rows = list(csv.DictReader(io.StringIO(to_csv(results, ["k1", "k2", "k3"], "zh"))))
    assert rows[0]["feedback"] == "k1、k2、k3：it raised SyntaxError: '(' was never closed (王芳.py:62)"
    assert rows[1]["feedback"].startswith("k3：你把比值颠倒了。更多。")


def test_check_times_cross_the_judges_pipe_but_stay_out_of_the_printed_verdict() -> None:
    result = sample_results()[0]
    printed = result.to_json()
    assert all(set(c) == {"name", "passed", "message", "tier", "conventions"}
               for e in printed["exercises"] for c in e["checks"])
    wire = result.to_json(timings=True)
    assert wire["exercises"][1]["checks"][0]["seconds"] == 0.25
    back = GradeResult.from_json(wire)
    assert [c.seconds for e in back.exercises for c in e.checks] == [0.0123, 0.0021, 0.25, 0.001, 0.0804, 0.003]
    # A time that is not a duration is dropped, never written into a report.
    for bad in (-1, float("nan"), float("inf"), "0.5", True, None, [1]):
        wire["exercises"][0]["checks"][0]["seconds"] = bad
        assert GradeResult.from_json(wire).exercises[0].checks[0].seconds is None, bad
    assert GradeResult.from_json(wire, seconds=float("nan")).seconds is None


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
    import xml.etree.ElementTree as ET

    suite = ET.parse(out["xml"]).getroot().find("testsuite")
    # Each check timed by the judge (a fast one may take under half a millisecond: "0.000"), not the
    # suite's time shared out: the times differ, and add up to less than the whole grading.
    times = [float(c.get("time")) for c in suite.findall("testcase")]
    assert len(set(times)) > 1 and 0 < sum(times) <= float(suite.get("time"))
    (row,) = list(csv.DictReader(out["csv"].open(encoding="utf-8-sig")))
    assert row["k1"] == row["k3"] == "1" and row["total"] == "2" and list(row) == [
        "student", "submission", "k1", "k1_status", "k3", "k3_status", "total", "max_score", "feedback",
        "diagnoses", "conventions", "tracks", "isolation"]
    assert row["student"] == "solutions" and row["k1_status"] == "passed" and row["feedback"] == ""
    from grader.isolation.modes import plan  # the isolation the judge decided, in every export

    assert row["isolation"] == plan(use_sandbox(None)).label != ""
    assert any(p.get("name") == "isolation" and p.get("value") == row["isolation"] for p in suite.iter("property"))
    assert json.loads(out["gs"].read_text())["output"].splitlines()[-1].startswith("isolation: ")


def test_csv_encoding_utf_8_writes_no_bom(tmp_path: Path) -> None:
    target = tmp_path / "grades.csv"
    proc = kldrill("grade", str(SOLUTIONS), "-e", "k1", "--csv", str(target), "--csv-encoding", "utf-8")
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes().startswith(b"student,submission,k1,k1_status,total")


@pytest.mark.parametrize("args, message", [
    (["--csv", "{tmp}/g.csv", "--csv-encoding", "latin-1"], "--csv-encoding must be one of utf-8-sig, utf-8"),
    (["--csv-encoding", "utf-8"], "--csv-encoding needs --csv FILE"),
], ids=["unknown", "without-csv"])
def test_bad_csv_encoding_is_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
    proc = kldrill("grade", str(SOLUTIONS), "-e", "k1", *[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "g.csv").exists()


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
    assert target.read_text(encoding="utf-8-sig").startswith("student,submission,k1,k1_status,total")


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


def test_junit_says_error_for_code_that_cannot_be_tested_and_failure_for_a_wrong_answer(tmp_path: Path) -> None:
    """Through the real judge: a file that does not import, for any reason, and a missing file are
    <error>s counted in errors=; a wrong answer stays a <failure>; each check has its own time."""
    import xml.etree.ElementTree as ET

    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "a_syntax.py").write_text("def k1(log_p, log_q:\n    return log_p\n")
    (klass / "b_import.py").write_text("import no_such_module_kldrill\n\n\n" + (SOLUTIONS / "k1.py").read_text())
    (klass / "c_raises.py").write_text("raise RuntimeError('at import')\n")
    (klass / "d_no_k2_file").mkdir()
    (klass / "d_no_k2_file" / "k1.py").write_text((SOLUTIONS / "k1.py").read_text())
    (klass / "e_wrong.py").write_text("def k1(log_p, log_q):\n    return log_p - log_q\n\n\n"
                                      + (SOLUTIONS / "k2.py").read_text())
    xml = tmp_path / "junit.xml"
    proc = kldrill("grade", "--batch", str(klass), "-e", "k1", "-e", "k2", "--junit-xml", str(xml), "--json")
    assert proc.returncode == 1, proc.stderr
    for schema in JUNIT_SCHEMAS:
        schema.validate(str(xml))
    suites = {Path(s.get("name")).name: s for s in ET.parse(xml).getroot().findall("testsuite")}

    def outcomes(suite: ET.Element) -> list[tuple[str, str, str | None]]:
        """(exercise, element, type) for each testcase that did not pass."""
        return [(c.get("classname"), child.tag, child.get("type")) for c in suite.findall("testcase")
                for child in c if child.tag in ("failure", "error")]

    for name in ("a_syntax.py", "b_import.py", "c_raises.py"):
        suite = suites[name]
        assert outcomes(suite) == [("k1", "error", "error"), ("k2", "error", "error")], name
        assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "0", "2"), name
    assert "SyntaxError" in suites["a_syntax.py"].find("testcase/error").get("message")
    assert "no_such_module_kldrill" in suites["b_import.py"].find("testcase/error").get("message")
    assert "at import" in suites["c_raises.py"].find("testcase/error").get("message")
    missing = suites["d_no_k2_file"]
    assert outcomes(missing) == [("k2", "error", "missing")]
    assert (missing.get("failures"), missing.get("errors")) == ("0", "1")
    wrong = suites["e_wrong.py"]
    k1_cases = [c for c in wrong.findall("testcase") if c.get("classname") == "k1"]
    assert {tag for _, tag, _ in outcomes(wrong)} == {"failure"} and wrong.get("errors") == "0"
    assert int(wrong.get("failures")) == sum(c.find("failure") is not None for c in k1_cases) > 0
    # The checks' own times, not the suite's split evenly: they differ, and they fit in the suite's.
    times = [float(c.get("time")) for c in wrong.findall("testcase")]
    assert len(set(times)) > 1 and 0 < sum(times) <= float(wrong.get("time"))
