"""A workspace's .kldrill-state.json hand-edited, truncated, of the wrong types, or on a read-only disk: kept,
never silently replaced, never a traceback; and the small things `init` and `hint` say about it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SOLUTIONS, kldrill
from grader.learner import workspace

STATE = ".kldrill-state.json"


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    assert kldrill("init", "--track", "1", str(ws)).returncode == 0
    (ws / "k1.py").write_text((SOLUTIONS / "k1.py").read_text())
    assert kldrill("grade", "-e", "k1", cwd=ws).returncode == 0
    assert kldrill("hint", "k2", cwd=ws).returncode == 0
    return ws


def _asides(ws: Path) -> list[Path]:
    return sorted(ws.glob(STATE + ".broken-*"))


def test_a_truncated_state_is_kept_aside_and_said_in_one_line(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    original = (ws / STATE).read_bytes()
    (ws / STATE).write_bytes(original[:40])  # a write cut short
    listed = kldrill("list", cwd=ws)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    (line,) = listed.stderr.splitlines()
    assert "is damaged (not valid JSON at line" in line and "kept as .kldrill-state.json.broken-" in line, line
    (kept,) = _asides(ws)
    assert kept.read_bytes() == original[:40]  # byte for byte, not "repaired"
    # Still a workspace kl-drill made: its next verdicts are recorded again, and the note is not repeated.
    assert json.loads((ws / STATE).read_text()).keys() == {"created_at"}
    graded = kldrill("grade", "-e", "k1", cwd=ws)
    assert graded.returncode == 0 and graded.stderr == ""
    assert workspace.statuses(ws) == {"k1": "passed"}
    assert len(_asides(ws)) == 1


def test_the_note_is_in_the_commands_language(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    (ws / STATE).write_text("[1, 2]")
    listed = kldrill("list", "--lang", "zh", cwd=ws)
    assert listed.returncode == 0
    assert "已损坏（不是 JSON 对象）：原文件保留为 .kldrill-state.json.broken-" in listed.stderr, listed.stderr


def test_values_of_the_wrong_type_never_crash_and_the_rest_is_kept(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    state = json.loads((ws / STATE).read_text())
    assert state["hints"] == {"k2": 1} and state["exercises"]["k1"]["status"] == "passed"
    state["hints"] = {"k1": "many", "k2": 1}
    state["closed_book"] = "k3"
    state["future_key"] = {"kept": True}  # from a newer kl-drill: left alone
    (ws / STATE).write_text(json.dumps(state))
    original = (ws / STATE).read_bytes()
    hinted = kldrill("hint", "k1", cwd=ws)
    assert hinted.returncode == 0 and "Traceback" not in hinted.stderr, hinted.stderr
    assert "k1 hint 1/3" in hinted.stdout
    (line,) = hinted.stderr.splitlines()
    assert "wrong type (closed_book, hints.k1)" in line and "kept as .kldrill-state.json.broken-" in line, line
    (kept,) = _asides(ws)
    assert kept.read_bytes() == original
    now = json.loads((ws / STATE).read_text())
    assert now["hints"] == {"k2": 1, "k1": 1}  # k2's hint is remembered; k1's count starts again
    assert now["exercises"]["k1"]["status"] == "passed" and now["future_key"] == {"kept": True}
    assert "closed_book" not in now


@pytest.mark.parametrize("bad", [
    {"exercises": {"k1": "passed"}}, {"exercises": []}, {"hints": {"k1": -1}}, {"hints": {"k1": True}},
    {"drills": {"k1": {"mistake": 3}}}, {"drill_turns": {"k1": "x"}}, {"interview": "yes"},
])
def test_every_section_is_checked(tmp_path: Path, bad: dict) -> None:
    from grader.learner import state_file

    cleaned, problems = state_file.clean({"created_at": "2026-01-01T00:00:00", **bad})
    assert problems and cleaned["created_at"] == "2026-01-01T00:00:00"
    # What is left is what the commands expect.
    for key in ("exercises", "hints", "drills", "drill_turns"):
        assert isinstance(cleaned.get(key, {}), dict)
    assert all(type(v) is int and v >= 0 for v in cleaned.get("hints", {}).values())


def _read_only(ws: Path, *args: str) -> subprocess.CompletedProcess:
    """`kldrill ARGS` in ``ws`` mounted read-only (root writes through file permissions: a mount it cannot)."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is needed to mount the workspace read-only")
    return subprocess.run(["bwrap", "--dev-bind", "/", "/", "--ro-bind", str(ws), str(ws), "--chdir", str(ws),
                           sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "KLDRILL_LANG": "en", "HOME": str(ws.parent)})


def test_a_read_only_workspace_gets_its_hint_and_one_line(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    hinted = _read_only(ws, "hint", "k2")
    assert hinted.returncode == 0 and "Traceback" not in hinted.stderr, hinted.stderr
    assert "k2 hint 2/3" in hinted.stdout
    assert hinted.stderr == f"kldrill: progress was not saved: {STATE}: Read-only file system\n"
    zh = _read_only(ws, "hint", "k2", "--lang", "zh")
    assert zh.stderr == f"kldrill: 进度未能保存：{STATE}：文件系统是只读的\n"


def test_a_read_only_folder_stops_an_interview_in_one_line(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    interview = _read_only(ws, "interview", "--exercise", "k3", ".")
    assert interview.returncode == 2 and "Traceback" not in interview.stderr, interview.stderr
    assert interview.stderr == "kldrill: .: Read-only file system\n"


def test_init_here_says_what_to_type_next(tmp_path: Path) -> None:
    here = kldrill("init", "--track", "2", ".", cwd=tmp_path)
    assert here.stdout.strip() == "Created a workspace in . with 5 exercises. Next: kldrill grade"
    there = kldrill("init", "--track", "1", "my kl", cwd=tmp_path)
    assert there.stdout.strip().endswith("Next: cd 'my kl' && kldrill grade")


def test_asking_past_the_last_hint_says_there_are_no_more(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    for level in (2, 3, 3):
        shown = kldrill("hint", "k2", cwd=ws).stdout.splitlines()
        assert shown[-2].startswith(f"k2 hint {level}/3")
        assert ("no more hints" in shown[-1]) == (level == 3), shown
