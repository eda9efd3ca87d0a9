"""The warm judge (grader/judging/warm.py): one judge process for grade after grade, each with a fresh isolated
learner process, the verdicts of a cold grade, and a judge lost to a submission replaced unseen."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from conftest import EXERCISES, SOLUTIONS
from grader.judging.grading import GradingError, grade, grade_many
from grader.isolation.limits import Limits
from grader.judging.warm import WarmJudge
from test_hostile import HOSTILE, expectations

VARIANTS = Path(__file__).resolve().parent / "variants"
# Single-bug files (each graded on its own exercise) and a correct one that prints while it runs.
SAMPLES = [VARIANTS / "conventions" / "k3__eps_1e8.py", VARIANTS / "wrong" / "grpo_kl__ref_gradient.py",
           VARIANTS / "wrong" / "k2__first_call_global.py", VARIANTS / "correct" / "grpo_kl__print_contiguous.py"]


def _exercise(path: Path) -> str:
    return path.read_text().split("# exercise: ", 1)[1].split()[0]


@pytest.fixture(scope="module")
def warm() -> WarmJudge:
    with WarmJudge() as judge:  # sandboxed wherever bubblewrap works, as a cold grade is
        yield judge


def test_warm_verdicts_are_the_cold_ones(warm: WarmJudge) -> None:
    first = warm.pid
    for path in (SOLUTIONS, EXERCISES):
        assert warm.grade(path, label=str(path)).to_json() == grade(path, label=str(path)).to_json(), path
    # The variants against one cold judge (a batch's verdicts are a lone grade's: tests/test_batch.py).
    cold = grade_many(SAMPLES, ["k2", "k3", "grpo_kl"], jobs=1)
    for path, expected in zip(SAMPLES, cold):
        assert warm.grade(path, ["k2", "k3", "grpo_kl"], label=str(path)).to_json() == expected.to_json(), path
    assert warm.pid == first and warm.restarts == 0  # one judge served them all


def test_progress_comes_per_exercise(warm: WarmJudge) -> None:
    seen: list[tuple[str, str]] = []
    result = warm.grade(SOLUTIONS, ["k1", "k3"], on_progress=lambda e: seen.append((e.name, e.status)))
    assert seen == [("k1", "passed"), ("k3", "passed")] and result.all_passed
    with pytest.raises(GradingError, match="no such file"):
        warm.grade(SOLUTIONS / "nope.py", ["k1"])
    assert warm.grade(EXERCISES / "k1.py", ["k1"]).exercises[0].status == "failed"


def _hang(tmp_path: Path) -> Path:
    path = tmp_path / "hang.py"
    path.write_text("import time\n\ndef k1(log_p, log_q):\n    time.sleep(60)\n")
    return path


def test_a_judge_killed_or_stopped_gives_an_error_and_the_next_grade_restarts_it(tmp_path: Path) -> None:
    hang = _hang(tmp_path)
    # The budget and margin are small so that a stopped judge is given up on in 4 + 4 s.
    with WarmJudge(limits=Limits(call_timeout=3.0, total_timeout=4.0), margin=4.0) as judge:
        assert judge.grade(SOLUTIONS, ["k1"]).all_passed  # up and warm
        pid = judge.pid

        def kill_after_k2(result) -> None:  # noqa: ANN001 - once k2's verdict is final, not after a guessed 0.5 s
            if result.name == "k2":
                os.kill(pid, signal.SIGKILL)

        # As a submission running as the judge's user could (k1 hangs meanwhile):
        killed = judge.grade(hang, ["k1", "k2"], on_progress=kill_after_k2)
        # k2's verdict (no such function) was final before the judge died: it stands.
        assert [(e.name, e.status, e.score) for e in killed.exercises] == [("k1", "error", 0.0), ("k2", "missing", 0.0)]
        assert "the grader was killed (SIGKILL)" in killed.exercises[0].checks[0].message
        again = judge.grade(SOLUTIONS, ["k1"])
        assert again.all_passed and judge.restarts == 1 and judge.pid != pid
        threading.Timer(0.5, os.kill, (judge.pid, signal.SIGSTOP)).start()
        started = time.monotonic()
        stopped = judge.grade(hang, ["k1"])
        assert time.monotonic() - started < 4.0 + 4.0 + 3.0
        assert stopped.exercises[0].status == "error"
        assert "did not finish within 8 s" in stopped.exercises[0].checks[0].message
        assert judge.grade(SOLUTIONS, ["k1"]).all_passed and judge.restarts == 2
        os.kill(judge.pid, signal.SIGKILL)  # lost while idle: the next grade is not charged for it
        time.sleep(0.3)
        assert judge.grade(SOLUTIONS, ["k1"]).all_passed and judge.restarts == 3
        last = judge.pid
    assert judge.pid is None  # closed: the judge is gone
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(last, 0)


# (huge_print, 200 MB a call, is graded cold in both modes by tests/test_hostile.py: the same session code.)
@pytest.mark.parametrize("name", ["stop_the_grader.py", "kill_parent.py", "infinite_loop.py"])
def test_hostile_submissions_get_their_verdicts_and_the_judge_serves_on(warm_no_sandbox: WarmJudge,
                                                                          name: str) -> None:
    expect, messages = expectations(HOSTILE / name)
    result = warm_no_sandbox.grade(HOSTILE / name, list(expect))
    by_name = {e.name: e for e in result.exercises}
    assert {n: e.status for n, e in by_name.items()} == expect
    for n, phrase in messages.items():
        assert phrase in " ".join(c.message for c in by_name[n].checks)
    assert all(len(e.output) < 2400 for e in result.exercises)
    assert warm_no_sandbox.grade(SOLUTIONS, ["k1"]).all_passed


@pytest.fixture(scope="module")
def warm_no_sandbox():
    # Without a sandbox: where learner code is closest to the judge.
    with WarmJudge(limits=Limits(call_timeout=2.0, total_timeout=60.0), sandbox=False) as judge:
        yield judge
