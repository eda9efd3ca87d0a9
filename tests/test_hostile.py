"""Hostile submissions get no credit they did not earn, and cannot hang, crash or fool the grader.

Each entry of tests/hostile/ declares, in a header comment, the verdict it must get:
  # expect: k1=passed k3=failed        (honest functions pass beside the hostile one)
  # message: k3: timed out after 2 s   (a phrase the hostile exercise's messages must contain)
A few more are made at run time (GENERATED: a 2 MiB notebook, folder names no export can hold as they
are), and decoys are laid where a careless install leaves copies of the reference (a wheel in a shared
folder, a checkout in /usr/src, an old-style session folder, an abstract socket): the entries look for
them. The batch runs in every mode this machine has: the sandbox, and without it (as root: namespaces or,
in a container without CAP_SYS_ADMIN, the uid; as an ordinary user, tests/test_non_root.py runs it).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from xml.etree import ElementTree

import pytest
import torch

from conftest import NAMES, SOLUTIONS, kldrill
from grader.reporting.exports import to_csv, to_junit_xml
from grader.isolation import wire
from grader.judging.grading import grade_many, use_sandbox
from grader.isolation.limits import Limits
from grader.isolation.modes import plan

HOSTILE = Path(__file__).resolve().parent / "hostile"
ENTRIES = sorted(p for p in HOSTILE.iterdir() if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__"))
LIMITS = Limits(call_timeout=2.0, total_timeout=60.0)
LEFTOVER = "kldrill-hostile-leftover"  # what leave_files.py leaves, and key 0x4B4C0001 (as below)
SYSV_KEY = 0x4B4C0001
# Made at run time (name -> expected statuses): folder names no export holds as they are (a carriage
# return and a formula, an escape sequence, a byte that is not UTF-8), each an honest k1 that must pass,
# and a 2 MiB notebook of statements beside an honest k1 (it took 2.2 GB to parse in the judge).
GENERATED = {b"cr\r=1+1": {"k1": "passed"}, b"esc\x1b[2J\x1b[H": {"k1": "passed"},
             b"latin\xff1": {"k1": "passed"}, b"notebook_bomb": {"k1": "passed"}}


def expectations(entry: Path) -> tuple[dict[str, str], dict[str, str]]:
    text = "".join(f.read_text() for f in ([entry] if entry.is_file() else sorted(entry.glob("*.py"))))
    expect = dict(kv.split("=") for m in re.findall(r"^# expect: (.*)$", text, re.M) for kv in m.split())
    messages = dict(m.split(": ", 1) for m in re.findall(r"^# message: (.*)$", text, re.M))
    return expect, messages


def missed_conventions(entry: Path) -> dict[str, str]:
    """``# missed: dpo_loss=detach``: a convention the judge must find missed, whatever the entry claims."""
    text = "".join(f.read_text() for f in ([entry] if entry.is_file() else sorted(entry.glob("*.py"))))
    return dict(kv.split("=") for m in re.findall(r"^# missed: (.*)$", text, re.M) for kv in m.split())


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


def _generated(folder: Path) -> list[Path]:
    from nbformat import write
    from nbformat.v4 import new_code_cell, new_notebook

    made = []
    for name in GENERATED:
        entry = Path(os.fsdecode(bytes(folder) + b"/" + name))
        entry.mkdir()
        shutil.copy(SOLUTIONS / "k1.py", entry / "k1.py")
        if name == b"notebook_bomb":
            bulk = "\n".join(f"x{i} = ({i})" for i in range(120_000))
            write(new_notebook(cells=[new_code_cell(bulk)]), str(entry / "bulk.ipynb"))
        made.append(entry)
    return made


@pytest.fixture(scope="module")
def decoys(tmp_path_factory: pytest.TempPathFactory):
    """Copies of the reference where careless installs leave them, readable by every user: a wheel in a
    shared folder, a checkout under /usr/src (as root), a session folder as kl-drill used to make them
    (0711, its copy 0755/0644); and an abstract socket listening. The entries must reach none of them."""
    from grader.reporting.gradescope import build_wheel

    token = uuid.uuid4().hex[:8]
    made = [Path(f"/tmp/kldrill-decoy-{token}"), Path(f"/tmp/kldrill-session-decoy{token}")]
    if os.geteuid() == 0:
        made.append(Path(f"/usr/src/kldrill-decoy-{token}"))
    name, wheel = build_wheel()
    made[0].mkdir(mode=0o755)
    (made[0] / name).write_bytes(wheel)
    (made[1] / "submission").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "k3.py", made[1] / "submission" / "k3.py")
    if os.geteuid() == 0:
        (made[2] / "solutions").mkdir(parents=True)
        shutil.copy(SOLUTIONS / "k3.py", made[2] / "solutions" / "k3.py")
    for top in made:
        for path in [top, *top.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    made[1].chmod(0o711)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind("\0kldrill-hostile-listener")
        listener.listen(64)
    except OSError as exc:
        # Another run on this machine (same network namespace) listens on it: the decoy stands all the same.
        if exc.errno != errno.EADDRINUSE:
            raise
    try:
        yield made
    finally:
        listener.close()
        for top in made:
            shutil.rmtree(top, ignore_errors=True)


def leftovers() -> list[str]:
    """What leave_files.py left that is still there (files, System V objects of its key)."""
    found = [str(p) for top in ("/tmp", "/var/tmp", "/dev/shm") for p in Path(top).glob(f"{LEFTOVER}*")]
    for kind in ("shm", "sem", "msg"):
        try:
            rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        except OSError:
            continue
        found += [f"sysv {kind}" for row in rows if row.split() and int(row.split()[0]) == SYSV_KEY]
    return found


@pytest.fixture(scope="module", params=MODES)
def verdicts(request: pytest.FixtureRequest, decoys: list, tmp_path_factory: pytest.TempPathFactory) -> dict:
    generated = _generated(tmp_path_factory.mktemp("generated"))
    started = time.monotonic()
    os.environ[TOKEN] = "98765-secret"
    try:
        results = grade_many(ENTRIES + generated, limits=LIMITS, sandbox=request.param)
    finally:
        del os.environ[TOKEN]
    elapsed = time.monotonic() - started
    time.sleep(1.0)  # the zygote sweeps orphans every half second
    return {"results": dict(zip(ENTRIES + generated, results)), "elapsed": elapsed, "strays": stray_processes(),
            "leftovers": leftovers(), "mode": request.param}


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
    missed = missed_conventions(entry)
    for name, convention in missed.items():
        assert convention in [c.id for c in by_name[name].missed], (name, by_name[name].conventions)
    # Full marks for each honest function; a missed convention costs its share, no more.
    assert result.score == round(sum((by_name[n].score if n in missed else 1.0) for n, s in expect.items()
                                     if s == "passed"), 4)
    assert all(by_name[n].score < 1.0 for n in missed)


def test_nothing_the_submissions_started_is_left_running(verdicts: dict) -> None:
    assert verdicts["strays"] == []


def test_nothing_the_submissions_left_outlives_the_grading(verdicts: dict) -> None:
    assert verdicts["leftovers"] == []


def test_generated_entries_are_graded_and_their_names_break_no_export(verdicts: dict) -> None:
    results = list(verdicts["results"].values())
    generated = {bytes(os.fsencode(p.name)): r for p, r in verdicts["results"].items() if p not in ENTRIES}
    for name, expect in GENERATED.items():
        assert {e.name: e.status for e in generated[name].exercises if e.name in expect} == expect, name
    rows = list(csv.reader(io.StringIO(to_csv(results, NAMES))))
    assert len(rows) == 1 + len(results)
    assert all(not cell.lstrip(" ").startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
    assert len(ElementTree.fromstring(to_junit_xml(results).encode()).findall("testsuite")) == len(results)
    from grader.judging import safe_text

    text = json.dumps({"submissions": [safe_text.result(r).to_json() for r in results]}, ensure_ascii=False)
    assert json.loads(text.encode("utf-8").decode("utf-8", errors="strict"))


def test_every_verdict_names_the_isolation_the_judge_decided(verdicts: dict) -> None:
    label = plan(verdicts["mode"]).label
    assert {r.isolation for r in verdicts["results"].values()} == {label}
    # Where the kernel has Landlock or namespaces are allowed, nothing is left unprotected.
    from grader.isolation import landlock

    if landlock.abi() or verdicts["mode"] or plan(False).namespaces:
        assert label != "none"


def test_no_submission_wrote_into_kl_drill(verdicts: dict) -> None:
    assert list(PACKAGE.rglob("_hostile_write_probe.py")) == []


def test_the_whole_hostile_batch_finishes_in_bounded_time(verdicts: dict) -> None:
    assert verdicts["elapsed"] < 240


@pytest.mark.parametrize("mode", ["--sandbox", "--no-sandbox"])
@pytest.mark.parametrize("name", ["fake_json.py", "huge_print.py", "read_judge.py", "kill_parent.py",
                                  "judge_stdout_dir_fd.py", "huge_exception_name.py", "forged_frames.py",
                                  "stop_the_grader.py", "kill_everything.py", "control_characters.py",
                                  "escape_sequences.py"])
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


@pytest.mark.parametrize("mode", ["--sandbox", "--no-sandbox"])
def test_the_terminal_obeys_no_escape_sequence_of_a_submission(mode: str) -> None:
    if mode == "--sandbox" and use_sandbox(None) is False:
        pytest.skip("bubblewrap cannot run here")
    for name in ("escape_sequences.py", "control_characters.py"):
        proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(HOSTILE / name), "-v", "--timeout", "2",
                               "--no-color", mode], capture_output=True, timeout=300,
                              env={**os.environ, "KLDRILL_LANG": "en"})
        assert proc.returncode == 1, proc.stderr[-500:]
        for stream in (proc.stdout, proc.stderr):
            stream.decode("utf-8")
            assert not set(stream) & {0x1B, 0x0D, 0x00, 0x07, 0x9B}, stream[:500]
        assert b"\\x1b[2J" in proc.stdout  # shown, escaped


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
