"""Whatever a submission writes (exception messages, output, file and folder names), no export breaks and no
terminal obeys it: valid UTF-8 JSON, well-formed XML, one CSV row per student with no formula, no cursor moves."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings, strategies as st

from conftest import SOLUTIONS
from grader.judging import safe_text
from grader.reporting.exports import to_csv, to_gradescope, to_junit_xml
from grader.judging.results import Check, ExerciseResult, GradeResult

_XML_OK = lambda c: c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD or ord(c) >= 0x10000  # noqa: E731


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_safe_text_is_valid_everywhere_and_idempotent(value: str) -> None:
    cleaned = safe_text.text(value)
    cleaned.encode("utf-8")  # no lone surrogate left
    assert all(_XML_OK(c) for c in cleaned)
    assert "\x1b" not in cleaned and "\r" not in cleaned and "\u202e" not in cleaned
    assert safe_text.text(cleaned) == cleaned


def test_undecodable_bytes_are_shown_as_bytes_and_escapes_as_escapes() -> None:
    assert safe_text.text(os.fsdecode(b"caf\xff")) == "caf\\xff"
    assert safe_text.text("\x1b[2J\ud800ok") == "\\x1b[2J\ufffdok"
    assert safe_text.csv_cell("  =1+1") == "'  =1+1" and safe_text.csv_cell("\uff1dSUM(A1)").startswith("'")


EVIL_MESSAGE = "\x1b[2J\x1b[H k1 passed 26/26\r=1+1\x00\ud800\u202e\x07"
EVIL = f'''def k1(log_p, log_q):
    raise ValueError({EVIL_MESSAGE!r})
'''


def _evil_class(tmp_path: Path) -> Path:
    """A class folder whose entries' names hold a carriage return and a formula, an escape sequence, a
    byte that is not UTF-8 and a line break; one entry raises an exception with an evil message."""
    cls = tmp_path / "class"
    cls.mkdir()
    names = [b"cr\r=1+1", b"esc\x1b[2Jx", b"latin\xff1", b"line\nbreak", b"honest"]
    for name in names:
        folder = Path(os.fsdecode(bytes(cls) + b"/" + name))
        folder.mkdir()
        shutil.copy(SOLUTIONS / "k1.py", folder / "k1.py")
    (cls / "evil.py").write_text(EVIL, encoding="utf-8")
    return cls


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, timeout=600,
                          env={**os.environ, "KLDRILL_LANG": "en"})


def test_a_class_with_evil_names_and_messages_still_gets_every_export(tmp_path: Path) -> None:
    cls = _evil_class(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    proc = _run("grade", "--batch", str(cls), "-e", "k1", "--json", "--csv", str(out / "g.csv"),
                "--junit-xml", str(out / "j.xml"), "--no-sandbox", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    doc = json.loads(proc.stdout.decode("utf-8"))  # strict UTF-8: no 0xff byte, no surrogate
    assert len(doc["submissions"]) == 6
    scores = {Path(s["submission"]).name: s["score"] for s in doc["submissions"]}
    assert scores["honest"] == 1.0 and scores["evil.py"] == 0.0 and sum(scores.values()) == 5.0
    evil = next(s for s in doc["submissions"] if s["submission"].endswith("evil.py"))
    message = evil["exercises"][0]["checks"][0]["message"]
    assert "\\x1b[2J" in message and "\x1b" not in message and "\ufffd" in message
    with open(out / "g.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 7  # the header and one row per submission: no \r or \n split a row
    for row in rows[1:]:
        assert not any(cell.lstrip(" ").startswith(("=", "+", "-", "@")) for cell in row), row
    tree = ElementTree.parse(out / "j.xml")  # well-formed, whatever the messages held
    assert len(tree.getroot().findall("testsuite")) == 6
    assert b"\x1b" not in (out / "j.xml").read_bytes()


def test_the_terminal_report_obeys_nothing_the_submission_wrote(tmp_path: Path) -> None:
    cls = _evil_class(tmp_path)
    for args in (["--batch", str(cls)], [str(cls / "evil.py")]):
        proc = _run("grade", *args, "-e", "k1", "--no-sandbox", "--no-color", cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr[-2000:]
        for stream in (proc.stdout, proc.stderr):
            stream.decode("utf-8")
            assert b"\x1b" not in stream and b"\r" not in stream and b"\x00" not in stream and b"\x07" not in stream


def test_every_export_of_an_evil_result_is_valid() -> None:
    evil = GradeResult("week\r=1+1/=cmd\udcff\x1b[31m", [ExerciseResult("k1", "failed", 1.0, [
        Check("hand\x00", False, EVIL_MESSAGE)], diagnosis={"id": "x\x1b", "message": {"en": "\ud800"}},
        output="\x1b]0;title\x07")])
    rows = list(csv.reader(io.StringIO(to_csv([evil], ["k1"]))))
    assert len(rows) == 2 and rows[1][0].startswith("'=cmd") and "\r" not in rows[1][1]
    ElementTree.fromstring(to_junit_xml([evil]).encode("utf-8"))
    json.dumps(to_gradescope(evil), ensure_ascii=False).encode("utf-8")
    with pytest.raises(UnicodeEncodeError):  # (what the exports no longer pass on)
        json.dumps(evil.to_json(), ensure_ascii=False).encode("utf-8")
