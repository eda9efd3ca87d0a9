"""Hostile submissions get no credit they did not earn, and cannot hang, crash or fool the grader.

Each entry of tests/hostile/ declares, in a header comment, the verdict it must get:
  # expect: k1=passed k3=failed        (honest functions pass beside the hostile one)
  # message: k3: timed out after 2 s   (a phrase the hostile exercise's messages must contain)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from conftest import NAMES, kldrill
from grader.isolation import wire
from grader.grading import grade_many, use_sandbox
from grader.isolation.limits import Limits

HOSTILE = Path(__file__).resolve().parent / "hostile"
ENTRIES = sorted(p for p in HOSTILE.iterdir() if p.suffix == ".py" or p.is_dir())
LIMITS = Limits(call_timeout=2.0, total_timeout=60.0)


def expectations(entry: Path) -> tuple[dict[str, str], dict[str, str]]:
    text = "".join(f.read_text() for f in ([entry] if entry.is_file() else sorted(entry.glob("*.py"))))
    expect = dict(kv.split("=") for m in re.findall(r"^# expect: (.*)$", text, re.M) for kv in m.split())
    messages = dict(m.split(": ", 1) for m in re.findall(r"^# message: (.*)$", text, re.M))
    return expect, messages


def stray_processes() -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"98765" in cmdline:
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


# Both ways learner code runs: in a bubblewrap sandbox of its own (the default where bubblewrap works),
# and without one (--no-sandbox; as root: an unprivileged uid and a private mount namespace).
MODES = [pytest.param(True, id="sandbox", marks=pytest.mark.skipif(
    use_sandbox(None) is False, reason="bubblewrap cannot run here")), pytest.param(False, id="no-sandbox")]


TOKEN = "KLDRILL_HOSTILE_TOKEN"  # a stand-in for a CI secret in the grader's environment
PACKAGE = Path(__file__).resolve().parent.parent / "grader"


@pytest.fixture(scope="module", params=MODES)
def verdicts(request: pytest.FixtureRequest) -> dict:
    started = time.monotonic()
    os.environ[TOKEN] = "98765-secret"
    try:
        results = grade_many(ENTRIES, limits=LIMITS, sandbox=request.param)
    finally:
        del os.environ[TOKEN]
    elapsed = time.monotonic() - started
    time.sleep(1.0)  # the zygote sweeps orphans every half second
    return {"results": dict(zip(ENTRIES, results)), "elapsed": elapsed, "strays": stray_processes()}


def test_there_are_enough_hostile_submissions() -> None:
    assert len(ENTRIES) >= 40
    assert all(expectations(e)[0] for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.stem for e in ENTRIES])
def test_no_unearned_credit_and_honest_code_still_graded(verdicts: dict, entry: Path) -> None:
    expect, messages = expectations(entry)
    result = verdicts["results"][entry]
    by_name = {e.name: e for e in result.exercises}
    for name, status in expect.items():
        got = by_name[name]
        assert got.status == status, (name, got.status, got.first_failure())
        if status != "passed":
            assert got.score == 0.0
    for name, phrase in messages.items():
        text = " ".join(c.message for c in by_name[name].checks)
        assert phrase in text, (name, text[:500])
    assert result.score == sum(1.0 for s in expect.values() if s == "passed")


def test_nothing_the_submissions_started_is_left_running(verdicts: dict) -> None:
    assert verdicts["strays"] == []


def test_no_submission_wrote_into_kl_drill(verdicts: dict) -> None:
    assert list(PACKAGE.rglob("_hostile_write_probe.py")) == []


def test_the_whole_hostile_batch_finishes_in_bounded_time(verdicts: dict) -> None:
    assert verdicts["elapsed"] < 240


@pytest.mark.parametrize("mode", ["--sandbox", "--no-sandbox"])
@pytest.mark.parametrize("name", ["fake_json.py", "huge_print.py", "read_judge.py", "kill_parent.py",
                                  "judge_stdout_dir_fd.py", "huge_exception_name.py", "forged_frames.py",
                                  "stop_the_grader.py", "kill_everything.py"])
def test_cli_stdout_is_one_clean_json_object(name: str, mode: str) -> None:
    if mode == "--sandbox" and use_sandbox(None) is False:
        pytest.skip("bubblewrap cannot run here")
    started = time.monotonic()
    proc = kldrill("grade", str(HOSTILE / name), "--json", "--timeout", "2", mode)
    assert time.monotonic() - started < 120
    assert proc.returncode == 1
    assert len(proc.stdout) < 100_000 and proc.stdout.count("\n") == 1
    doc = json.loads(proc.stdout)
    # Whatever the code printed (200 MB for huge_print), the verdict carries 2 KiB of it per exercise.
    assert all(len(e["output"]) < 2400 for e in doc["exercises"])
    expect, _ = expectations(HOSTILE / name)
    assert {e["name"]: e["status"] for e in doc["exercises"] if e["name"] in expect} == expect


def _message(header: dict, blob: bytes = b"") -> tuple[bytes, bytes]:
    return json.dumps(header).encode(), blob


@pytest.mark.parametrize("header,blob", [
    ({"tree": {"__tensor__": 0}, "tensors": [{"dtype": "object", "shape": [1]}], "sizes": [8]}, b"\0" * 8),
    ({"tree": {"__tensor__": 0}, "tensors": [{"dtype": "float32", "shape": [4]}], "sizes": [8]}, b"\0" * 8),
    ({"tree": {"__tensor__": 3}, "tensors": [], "sizes": []}, b""),
    ({"tree": 1, "tensors": [{"dtype": "float32", "shape": [-1]}], "sizes": [4]}, b"\0" * 4),
    ({"tree": 1, "tensors": [], "sizes": [5]}, b""),
], ids=["unknown-dtype", "size-mismatch", "dangling-reference", "negative-shape", "sizes-do-not-add-up"])
def test_the_wire_refuses_malformed_messages(header: dict, blob: bytes) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(*_message(header, blob))


def test_the_wire_carries_only_plain_data() -> None:
    import pickle

    with pytest.raises(wire.WireError):
        wire.decode(pickle.dumps(torch.zeros(3)), b"")
    tree, _ = wire.decode(*[part for part in _split(wire.encode({"x": torch.arange(3.0), "n": 2.5}))])
    assert type(tree["x"]) is torch.Tensor and tree["x"].tolist() == [0.0, 1.0, 2.0] and tree["n"] == 2.5


def _split(data: bytes) -> tuple[bytes, bytes]:
    header_len, blob_len = wire._HEADER.unpack(data[: wire._HEADER.size])
    start = wire._HEADER.size
    return data[start:start + header_len], data[start + header_len:start + header_len + blob_len]


def test_the_budget_bounds_a_submission_that_hangs_everywhere(write) -> None:
    body = "    while True:\n        pass\n"
    five = ("k1", "k2", "k3", "grpo_kl", "compute_rewards_kl")
    path = write("all_hang.py", "".join(f"def {n}(*args):\n{body}\n" for n in five))
    started = time.monotonic()
    proc = kldrill("grade", str(path), "--json", "--timeout", "1", "--budget", "3")
    assert time.monotonic() - started < 60
    doc = json.loads(proc.stdout)
    hanging = [e for e in doc["exercises"] if e["name"] in five]
    assert doc["score"] == 0.0 and {e["status"] for e in hanging} == {"failed"}
    assert {e["status"] for e in doc["exercises"] if e not in hanging} <= {"missing"}  # (not defined there)
    messages = " ".join(c["message"] for e in doc["exercises"] for c in e["checks"])
    assert "timed out after 1 s" in messages and "3 s time budget" in messages
