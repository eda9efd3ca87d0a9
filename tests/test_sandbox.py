"""kldrill grade --sandbox (bubblewrap): no network, a private /tmp, the reference not visible at all."""

from __future__ import annotations

import shutil
import socket
import uuid
from pathlib import Path

import pytest

from conftest import NAMES, SOLUTIONS, grade_json, kldrill

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="bubblewrap (bwrap) is not installed: apt-get install bubblewrap")

PROBE = '''import os, socket
import torch

def k1(log_p, log_q):
    # Correct only if the sandbox holds: each thing the code can reach adds an error.
    leaks = len(os.listdir({solutions!r})) if os.path.isdir({solutions!r}) else 0
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=1).close()
        leaks += 1
    except OSError:
        pass
    leaks += os.path.exists({marker!r})
    return log_q - log_p + leaks
'''


@pytest.fixture
def probe(tmp_path: Path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    marker = Path("/tmp") / f"kldrill-marker-{uuid.uuid4().hex}"
    marker.write_text("host /tmp")
    path = tmp_path / "probe.py"
    path.write_text(PROBE.format(solutions=str(SOLUTIONS), port=server.getsockname()[1], marker=str(marker)))
    yield path
    server.close()
    marker.unlink()


def test_the_probe_sees_everything_without_the_sandbox(probe: Path) -> None:
    doc, proc = grade_json(str(probe), "-e", "k1", "--no-sandbox")
    assert doc["exercises"][0]["status"] == "failed" and proc.returncode == 1


def test_sandbox_hides_the_reference_cuts_the_network_and_has_its_own_tmp(probe: Path) -> None:
    doc, proc = grade_json(str(probe), "-e", "k1", "--sandbox")
    assert doc["exercises"][0]["status"] == "passed", doc["exercises"][0]["checks"][:2]
    assert proc.returncode == 0


def test_the_reference_still_gets_full_marks_in_the_sandbox() -> None:
    doc, proc = grade_json(str(SOLUTIONS), "--sandbox")
    assert proc.returncode == 0 and doc["score"] == doc["max_score"] == float(len(NAMES))


def test_sandbox_without_bwrap_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    proc = kldrill("grade", str(SOLUTIONS), "--sandbox", env={"PATH": str(tmp_path)})
    assert proc.returncode == 2 and "apt-get install bubblewrap" in proc.stderr
