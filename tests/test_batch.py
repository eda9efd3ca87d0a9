"""kldrill grade --batch: a class graded in one run, as an instructor runs it.

One class folder serves most tests: honest, wrong and hostile submissions, a workspace, an empty
folder and a README. It is graded once with --jobs 2 (JSON, CSV and JUnit XML), once with --jobs 1,
and its held-out entries one by one; the tests compare those runs.
"""

from __future__ import annotations

import csv
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xmlschema

from conftest import EXERCISES, NAMES, SOLUTIONS, kldrill
from grader.reporting import report
from grader.judging.results import GradeResult
from grader.exercises import get

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
SCHEMAS = ROOT / "tests" / "schemas"


def reference_source(**replace: str) -> str:
    """All the reference functions in one file, some replaced by the given sources."""
    parts = [replace.get(n) or (SOLUTIONS / f"{n}.py").read_text() for n in NAMES]
    return "\n\n".join(parts)


WRONG_K2 = "import torch\n\n\ndef k2(log_p, log_q):\n    return (log_p - log_q) ** 2\n"
INVERTED_K3 = "import torch\n\n\ndef k3(log_p, log_q):\n    lr = log_q - log_p\n    return lr.exp() - 1 - lr\n"
# Entries graded alone too: the batch must give each the verdict it gets alone.
HELD_OUT = ["a_correct.py", "b_wrong_k2.py", "c_workspace", "e_kill_parent.py"]
# A submission that kills its learner process's parent races that process's own end: which of its
# checks fail first can differ from run to run, batch or not (its exercises' statuses and scores do not).
RACY = {"e_kill_parent.py", "d_infinite_loop.py"}


def make_class(root: Path) -> Path:
    root.mkdir()
    (root / "a_correct.py").write_text(reference_source())
    (root / "b_wrong_k2.py").write_text(reference_source(k2=WRONG_K2))
    ws = root / "c_workspace"
    ws.mkdir()
    for n in NAMES:
        (ws / f"{n}.py").write_text(INVERTED_K3 if n == "k3" else (SOLUTIONS / f"{n}.py").read_text())
    shutil.copy(HOSTILE / "infinite_loop.py", root / "d_infinite_loop.py")
    shutil.copy(HOSTILE / "kill_parent.py", root / "e_kill_parent.py")
    (root / "f_empty").mkdir()
    (root / "README.md").write_text("Submissions of week 3.\n")
    (root / ".DS_Store").write_text("")
    return root


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("batch")
    klass = make_class(tmp / "class")
    csv_file, xml_file = tmp / "grades.csv", tmp / "junit.xml"
    two = kldrill("grade", "--batch", str(klass), "--json", "--timeout", "2", "--jobs", "2",
                  "--csv", str(csv_file), "--junit-xml", str(xml_file))
    one = kldrill("grade", "--batch", str(klass), "--json", "--timeout", "2", "--jobs", "1")
    # Every exercise by name, as the batch grades each student (alone, a file is graded on what it defines).
    every = [a for n in NAMES for a in ("-e", n)]
    alone = {name: kldrill("grade", str(klass / name), "--json", "--timeout", "2", *every) for name in HELD_OUT}
    return {"class": klass, "two": two, "one": one, "alone": alone, "csv": csv_file, "xml": xml_file}


def submissions(proc: subprocess.CompletedProcess) -> list[dict]:
    assert proc.stdout.count("\n") == 1, proc.stdout[-2000:] + proc.stderr[-2000:]  # one JSON object
    doc = json.loads(proc.stdout)
    assert list(doc) == ["submissions"]
    return doc["submissions"]


def by_entry(proc: subprocess.CompletedProcess) -> dict[str, dict]:
    return {Path(s["submission"]).name: s for s in submissions(proc)}


def statuses(doc: dict) -> dict[str, str]:
    return {e["name"]: e["status"] for e in doc["exercises"]}


def test_batch_json_has_every_entry_in_name_order(graded: dict) -> None:
    proc = graded["two"]
    assert proc.returncode == 1  # not everybody passed everything
    subs = submissions(proc)
    assert [Path(s["submission"]).name for s in subs] == [
        "a_correct.py", "b_wrong_k2.py", "c_workspace", "d_infinite_loop.py", "e_kill_parent.py", "f_empty"]
    assert all(s["submission"] == str(graded["class"] / Path(s["submission"]).name) for s in subs)
    for s in subs:  # each is the single-submission result object
        assert set(s) == {"submission", "score", "max_score", "strict", "isolation", "exercises"}
        assert [e["name"] for e in s["exercises"]] == NAMES


def test_each_verdict_is_right(graded: dict) -> None:
    subs = by_entry(graded["two"])
    assert subs["a_correct.py"]["score"] == float(len(NAMES))
    wrong = {e["name"]: e for e in subs["b_wrong_k2.py"]["exercises"]}
    assert wrong["k2"]["status"] == "failed" and wrong["k2"]["diagnosis"]["id"] == "missing_half"
    assert subs["b_wrong_k2.py"]["score"] == len(NAMES) - 1.0
    ws = {e["name"]: e for e in subs["c_workspace"]["exercises"]}
    assert ws["k3"]["diagnosis"]["id"] == "ratio_inverted" and subs["c_workspace"]["score"] == len(NAMES) - 1.0


def test_hostile_entries_do_not_stop_the_batch(graded: dict) -> None:
    subs = by_entry(graded["two"])
    loop = subs["d_infinite_loop.py"]
    assert {k: v for k, v in statuses(loop).items() if k in ("k1", "k3")} == {"k1": "passed", "k3": "failed"}
    assert "timed out after 2 s" in " ".join(c["message"] for e in loop["exercises"] for c in e["checks"])
    killer = subs["e_kill_parent.py"]
    assert {k: v for k, v in statuses(killer).items() if k in ("k1", "k3")} == {"k1": "passed", "k3": "failed"}
    # the entry after the one that killed the shared zygote is still graded in full
    assert all(e["status"] == "error" for e in subs["f_empty"]["exercises"])


def test_a_judge_worker_goes_on_after_a_submission_kills_the_zygote(tmp_path: Path) -> None:
    """One judge worker grades the killer, then two honest submissions: they still get full marks."""
    from grader.judging.grading import grade_many
    from grader.isolation.limits import Limits

    shutil.copy(HOSTILE / "kill_parent.py", tmp_path / "a_killer.py")
    for name in ("b_honest.py", "c_honest.py"):
        (tmp_path / name).write_text(reference_source())
    results = grade_many(sorted(tmp_path.iterdir()), jobs=1, limits=Limits(call_timeout=2))
    assert [r.score for r in results[1:]] == [float(len(NAMES))] * 2
    assert all(c.passed for r in results[1:] for e in r.exercises for c in e.checks)


def test_a_folder_without_exercise_files_is_a_zero_and_a_readme_is_skipped(graded: dict) -> None:
    empty = by_entry(graded["two"])["f_empty"]
    assert empty["score"] == 0.0
    said = "f_empty holds no .py file and no notebook (.ipynb) (it is empty): nothing to grade"
    assert all(e["checks"][0]["name"] == "submission" and said in e["checks"][0]["message"]
               for e in empty["exercises"])
    stderr = graded["two"].stderr
    assert "skipped" in stderr and "README.md" in stderr and ".DS_Store" not in stderr
    assert "Traceback" not in stderr


def verdict(doc: dict, name: str) -> dict:
    """The whole result, or for a racy hostile entry its scores and statuses."""
    if name not in RACY:
        return doc
    return {"score": doc["score"], "statuses": statuses(doc)}


def test_jobs_1_and_2_give_identical_results(graded: dict) -> None:
    assert graded["one"].returncode == graded["two"].returncode == 1
    one, two = by_entry(graded["one"]), by_entry(graded["two"])
    assert list(one) == list(two)
    for name in one:
        assert verdict(one[name], name) == verdict(two[name], name), name
    assert sum(name not in RACY for name in one) == 4


def test_batch_verdicts_are_the_verdicts_alone(graded: dict) -> None:
    subs = by_entry(graded["two"])
    for name, proc in graded["alone"].items():
        alone = json.loads(proc.stdout)
        assert verdict(alone, name) == verdict(subs[name], name), name
        assert proc.returncode == (0 if all(e["status"] == "passed" for e in alone["exercises"]) else 1)


def test_csv_has_a_row_per_submission(graded: dict) -> None:
    rows = list(csv.DictReader(graded["csv"].open(encoding="utf-8-sig", newline="")))
    assert list(rows[0]) == ["student", "submission", *(c for n in NAMES for c in (n, f"{n}_status")), "total",
                             "max_score", "feedback", "diagnoses", "conventions", "tracks", "isolation"]
    assert rows[0]["tracks"] == ";".join(f"{n}={get(n).track}" for n in NAMES)
    assert {r["isolation"] for r in rows} == {s["isolation"] for s in submissions(graded["two"])} != {""}
    subs = submissions(graded["two"])
    assert [r["submission"] for r in rows] == [s["submission"] for s in subs]
    assert [r["student"] for r in rows] == ["a_correct", "b_wrong_k2", "c_workspace", "d_infinite_loop",
                                            "e_kill_parent", "f_empty"]
    for row, s in zip(rows, subs):
        assert float(row["total"]) == s["score"] and float(row["max_score"]) == s["max_score"]
        assert {n: float(row[n]) for n in NAMES} == {e["name"]: e["score"] for e in s["exercises"]}
        assert {n: row[f"{n}_status"] for n in NAMES} == statuses(s)
        assert "\n" not in row["feedback"] and (row["feedback"] == "") == (s["score"] == s["max_score"])
    by_student = {r["student"]: r for r in rows}
    assert by_student["b_wrong_k2"]["diagnoses"] == "k2=missing_half"
    # The feedback is the mistake in plain words (grader/data/mistakes.yaml), not the check that caught it.
    assert by_student["b_wrong_k2"]["feedback"].startswith("k2: You forgot the 1/2: k2 = (log r)^2 / 2.")
    assert by_student["c_workspace"]["feedback"].startswith("k3: You inverted the KL's ratio")
    assert "timed out after 2 s" in by_student["d_infinite_loop"]["feedback"]


def test_junit_xml_of_the_batch_validates(graded: dict) -> None:
    import xml.etree.ElementTree as ET

    for xsd in ("JUnit.xsd", "junit-10.xsd"):
        xmlschema.XMLSchema(str(SCHEMAS / xsd)).validate(str(graded["xml"]))
    suites = ET.parse(graded["xml"]).getroot().findall("testsuite")
    subs = submissions(graded["two"])
    assert [s.get("name") for s in suites] == [s["submission"] for s in subs]
    for suite, s in zip(suites, subs):
        checks = sum(max(1, len(e["checks"])) for e in s["exercises"])
        # Wrong answers are failures; exercises that could not be tested (missing, not importing, an
        # empty folder) errors; a convention missed where the maths is right is skipped (no --strict).
        failing = sum(not c["passed"] and not c["conventions"]
                      for e in s["exercises"] if e["status"] == "failed" for c in e["checks"])
        skipped = sum(not c["passed"] and bool(c["conventions"])
                      for e in s["exercises"] if e["status"] in ("passed", "failed") for c in e["checks"])
        erring = sum(1 if e["status"] == "missing" else sum(not c["passed"] for c in e["checks"])
                     for e in s["exercises"] if e["status"] in ("missing", "error"))
        assert [int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")] == [
            checks, failing, erring, skipped]
        times = [float(c.get("time")) for c in suite.findall("testcase")]
        assert sum(times) <= float(suite.get("time")) + 0.001 * len(times)
    assert [int(s.get("errors")) for s in suites][-1] == len(NAMES)  # f_empty: nothing to test
    # Each check's own time: the check that ran into the 2 s timeout took 2 s; the next ones, told at
    # once that the function timed out, and the honest k1's took milliseconds.
    loop = next(s for s in suites if s.get("name").endswith("d_infinite_loop.py"))
    k3 = [float(c.get("time")) for c in loop.findall("testcase") if c.get("classname") == "k3"]
    assert 2.0 <= k3[0] < 10 and max(k3[1:]) < 1.0
    k1 = [float(c.get("time")) for c in loop.findall("testcase") if c.get("classname") == "k1"]
    assert k1 and max(k1) < 1.0


def test_text_summary_counts_the_class(graded: dict) -> None:
    results = [GradeResult.from_json(s) for s in submissions(graded["two"])]
    text = report.render_batch(results, NAMES, "en")
    lines = text.splitlines()
    assert lines[0].split() == ["submission", *NAMES, "total"]
    assert any(line.split()[-1] == f"{len(NAMES)}/{len(NAMES)}" and "a_correct.py" in line for line in lines)
    assert "6 submissions, 1 passed everything" in text
    # k1: all but the empty folder; k2: b is wrong, d and e define only k1 and k3; k3: c is wrong too
    assert "passed per exercise: k1 5/6, k2 2/6, k3 2/6, grpo_kl 3/6, compute_rewards_kl 3/6" in text
    assert "missing_half (k2) ×1" in text and "ratio_inverted (k3) ×1" in text
    zh = report.render_batch(results, NAMES, "zh")
    assert "共 6 份提交，1 份全部通过" in zh and "最常见的错误" in zh and "未通过" in zh


TRACK_1 = [n for n in NAMES if get(n).track == 1]
APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 40  # a resource fork, not Python


def make_lms_download(root: Path) -> dict[str, float]:
    """A class as an LMS hands it out (Moodle's "download all submissions", unzipped on a Mac): a folder
    per student with whatever the student named their files, and the archivers' junk. The students'
    folders, each with the score it must get on track 1."""
    from nbformat import write
    from nbformat.v4 import new_code_cell, new_notebook

    def put(rel: str, data: str | bytes) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())

    track_1 = "\n\n".join((SOLUTIONS / f"{n}.py").read_text() for n in TRACK_1)
    put("Wang Wei_12345_assignsubmission_file_/solution.py", track_1)
    put("Li Na_23456_assignsubmission_file_/KL作业.py", track_1 + "\n\n" + INVERTED_K3)  # k3 redefined, wrong
    put("Zhang San_34567_assignsubmission_file_/.DS_Store", b"\x00\x00\x00\x01Bud1")
    (root / "Zhang San_34567_assignsubmission_file_").mkdir(exist_ok=True)
    write(new_notebook(cells=[new_code_cell((SOLUTIONS / f"{n}.py").read_text()) for n in TRACK_1]),
          str(root / "Zhang San_34567_assignsubmission_file_" / "kl.ipynb"))
    put("Chen Jie_45678_assignsubmission_file_/submission/solution.py",
        "from helpers import *\n\n" + "\n\n".join((SOLUTIONS / f"{n}.py").read_text() for n in TRACK_1 if n != "k3"))
    put("Chen Jie_45678_assignsubmission_file_/submission/helpers.py", (SOLUTIONS / "k3.py").read_text())
    for n in TRACK_1:  # handed in the stubs untouched
        put(f"Liu Yang_56789_assignsubmission_file_/{n}.py", (EXERCISES / f"{n}.py").read_text())
    put("Zhao Lei_67890_assignsubmission_file_/report.pdf", b"%PDF-1.4")  # no Python: a zero, listed
    for student in ("Wang Wei_12345_assignsubmission_file_", "Li Na_23456_assignsubmission_file_"):
        put(f"__MACOSX/{student}/._solution.py", APPLE_DOUBLE)
    put("__MACOSX/._Wang Wei_12345_assignsubmission_file_", APPLE_DOUBLE)
    put(".DS_Store", b"\x00\x00\x00\x01Bud1")
    put("Thumbs.db", b"\xd0\xcf\x11\xe0")
    put("desktop.ini", "[.ShellClassInfo]\n")
    return {"Wang Wei_12345_assignsubmission_file_": 5.0, "Li Na_23456_assignsubmission_file_": 4.0,
            "Zhang San_34567_assignsubmission_file_": 5.0, "Chen Jie_45678_assignsubmission_file_": 5.0,
            "Liu Yang_56789_assignsubmission_file_": 0.0, "Zhao Lei_67890_assignsubmission_file_": 0.0}


def test_an_lms_download_grades_every_student_and_only_students(tmp_path: Path) -> None:
    want = make_lms_download(tmp_path / "week3")
    proc = kldrill("grade", "--batch", str(tmp_path / "week3"), "--track", "1", "--json", "--timeout", "5")
    assert proc.returncode == 1, proc.stderr[-2000:]
    subs = by_entry(proc)
    assert {name: s["score"] for name, s in subs.items()} == want  # every student, in name order, nobody else
    assert list(subs) == sorted(want)
    li = {e["name"]: e for e in subs["Li Na_23456_assignsubmission_file_"]["exercises"]}
    assert li["k3"]["status"] == "failed" and li["k3"]["diagnosis"]["id"] == "ratio_inverted"
    zhao = subs["Zhao Lei_67890_assignsubmission_file_"]["exercises"][0]["checks"][0]["message"]
    assert "holds no .py file and no notebook (.ipynb) (it holds report.pdf)" in zhao
    # The junk is skipped silently: no "skipped" note, no traceback.
    assert "skipped" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def _small_class(root: Path, count: int) -> Path:
    root.mkdir()
    for i in range(count):
        (root / f"s{i}.py").write_text((SOLUTIONS / "k1.py").read_text())
    return root


def test_progress_bar_on_a_terminal_and_exit_0_when_all_pass(tmp_path: Path) -> None:
    """In a terminal: the bar, in the chosen language, with a time left that is about the real one
    (click's own, after the judge's start-up, said ~10x too much), and the summary on stdout."""
    import re

    klass = _small_class(tmp_path / "class", 6)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", "--batch", str(klass), "-e", "k1",
                             "--jobs", "1", "--lang", "zh"], stdout=subprocess.PIPE, stderr=slave, text=True,
                            env={**os.environ, "KLDRILL_LANG": "en"})
    os.close(slave)
    seen = b""
    shown: list[tuple[float, bytes]] = []  # when each piece of the bar appeared
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other side closed: the command is done
                break
            if not chunk:
                break
            seen += chunk
            shown.append((time.monotonic(), chunk))
        elif proc.poll() is not None:
            break
    os.close(master)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, seen
    terminal = seen.decode(errors="replace")
    assert "评测中" in terminal and "6/6" in terminal  # the bar's label and its last position
    assert "共 6 份提交，6 份全部通过" in out and "k1 6/6" in out
    ended = next(at for at, chunk in shown if b"6/6" in chunk)
    etas = [(at, int(m[1]) * 60 + int(m[2])) for at, chunk in shown
            for m in re.finditer(r"剩余约 (\d+):(\d\d)", chunk.decode(errors="replace"))]
    assert etas, terminal  # shown once measured: after the first result with one worker
    first_at, first_eta = etas[0]
    assert first_eta <= 3 * (ended - first_at) + 2, (first_eta, ended - first_at)


def test_no_progress_bar_when_stderr_is_not_a_terminal(graded: dict) -> None:
    assert "grading" not in graded["two"].stderr and "\r" not in graded["two"].stderr


def test_shards_split_the_class_deterministically(tmp_path: Path) -> None:
    klass = _small_class(tmp_path / "class", 5)
    shards = []
    for i in range(2):
        proc = kldrill("grade", "--batch", str(klass), "-e", "k1", "--json", "--shard", f"{i}/2")
        assert proc.returncode == 0, proc.stderr
        shards.append([Path(s["submission"]).name for s in submissions(proc)])
    assert shards == [["s0.py", "s2.py", "s4.py"], ["s1.py", "s3.py"]]
    empty = kldrill("grade", "--batch", str(klass), "-e", "k1", "--json", "--shard", "7/8")
    assert empty.returncode == 0 and submissions(empty) == []  # an idle array task is not a failure


@pytest.mark.parametrize("args", [
    ["--batch", "{tmp}/nope"],
    ["--batch", "{tmp}/only_readme"],
    ["--batch", str(SOLUTIONS)],                       # one workspace, not a class
    ["--batch", "{tmp}/only_readme", "--gradescope", "{tmp}/results.json"],
    ["--batch", "{tmp}/only_readme", str(SOLUTIONS)],  # PATH and --batch
    ["--batch", "{tmp}/only_readme", "--shard", "2/2"],
    ["--batch", "{tmp}/only_readme", "--shard", "x"],
    [str(SOLUTIONS), "--jobs", "2"],                   # --jobs without --batch
], ids=["missing", "nothing-to-grade", "workspace", "gradescope", "path-and-batch", "shard-range",
        "shard-syntax", "jobs-alone"])
def test_batch_usage_errors_exit_2_with_one_line(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "only_readme").mkdir()
    (tmp_path / "only_readme" / "README.md").write_text("hi\n")
    proc = kldrill("grade", *[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2, (args, proc.stderr)
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("kldrill: ")
    assert not (tmp_path / "results.json").exists()
