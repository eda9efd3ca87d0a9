"""The batch progress bar's time left (grader/reporting/progress.py), on a fake clock: what an instructor grading
a class reads while waiting. The bar itself, in a real terminal: tests/test_batch.py."""

from __future__ import annotations

import heapq

import pytest

from grader.reporting.progress import Throughput, eta_seconds, format_left, status_line


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def finish_times(total: int, jobs: int, start_up: float, first: float, each: float) -> list[float]:
    """When each submission of a batch finishes: ``jobs`` workers start after ``start_up`` seconds; a
    worker's first submission takes ``first`` seconds (its warm-up), every later one ``each``."""
    free = [(start_up, w, True) for w in range(jobs)]
    heapq.heapify(free)
    times = []
    for _ in range(total):
        at, worker, fresh = heapq.heappop(free)
        done = at + (first if fresh else each)
        times.append(done)
        heapq.heappush(free, (done, worker, False))
    return sorted(times)


def shown_while_grading(times: list[float], jobs: int) -> list[tuple[float | None, float]]:
    """(time left shown, real time left) at each moment results come: what stays on the bar, after
    every result of that moment is in."""
    clock = FakeClock()
    throughput = Throughput(len(times), jobs, clock)
    shown = []
    for i, at in enumerate(times):
        clock.now = at
        throughput.finished()
        if i + 1 == len(times) or times[i + 1] > at:
            shown.append((throughput.eta(), times[-1] - at))
    return shown


@pytest.mark.parametrize("jobs", [1, 2, 8])
def test_the_time_left_is_the_real_time_left_once_measured(jobs: int) -> None:
    """A class of 48: 2 s of judge start-up, each worker's first submission 1.5 s, the rest 0.25 s.
    click's own estimate, after the first result, is 3.5 s x 47 = 165 s (jobs=1) where 13 s are left."""
    shown = shown_while_grading(finish_times(48, jobs, start_up=2.0, first=1.5, each=0.25), jobs)
    # Nothing is promised until every worker has finished its slow first submission and more are in.
    assert shown[0][0] is None
    # From then on, within a tenth of the truth (a submission's time at the very end).
    for eta, left in shown[1:]:
        assert eta is not None and abs(eta - left) <= max(0.1 * left, 0.25), (jobs, eta, left)
    assert shown[-1] == (0.0, 0.0)


def test_results_that_arrive_together_do_not_make_the_rest_look_instant() -> None:
    """Four workers, 2 s a submission, finish together (within 10 ms): the rest of the class is never
    promised in a moment, as a rate counted from the first of them would (3 in 10 ms: 44 in 0.15 s)."""
    times = [3.0 + 2 * burst + 0.0025 * w for burst in range(11) for w in range(1, 5)]  # 44, 4 at a time
    shown = shown_while_grading(times, 4)
    assert [eta for eta, _ in shown[:4]] == [None] * 4  # the first four: each worker's first
    assert all(eta >= 0.9 * left for eta, left in shown[4:])
    # Once each burst is in, what stays on the bar until the next is right.
    for eta, left in shown[7::4]:
        assert eta == pytest.approx(left, rel=0.01)


def test_eta_edges() -> None:
    assert eta_seconds(0, 10, now=5.0, warmed=None, jobs=2) is None  # nothing finished
    assert eta_seconds(3, 3, now=5.0, warmed=None, jobs=8) == 0.0  # all done
    assert eta_seconds(2, 3, now=5.0, warmed=5.0, jobs=8) is None  # fewer than the workers: all in flight
    assert eta_seconds(3, 10, now=4.0, warmed=4.0, jobs=2) is None  # no time measured yet
    assert eta_seconds(4, 10, now=6.0, warmed=4.0, jobs=2) == pytest.approx(6 * 2.0 / 2)


@pytest.mark.parametrize("seconds, text", [(0.2, "0:01"), (5, "0:05"), (59.5, "1:00"), (61, "1:01"),
                                           (3599.2, "1:00:00"), (3725, "1:02:05")])
def test_time_left_reads_as_minutes_and_seconds_rounded_up(seconds: float, text: str) -> None:
    assert format_left(seconds) == text


def test_the_bar_says_the_time_left_in_the_users_language() -> None:
    assert status_line(65, "week3/bob.py", "en") == "1:05 left  week3/bob.py"
    assert status_line(65, "week3/bob.py", "zh") == "剩余约 1:05  week3/bob.py"
    assert status_line(None, "week3/bob.py", "en") == "week3/bob.py"  # not measured yet: no guess
    assert status_line(0.0, "week3/bob.py", "en") == "week3/bob.py"  # finished
    assert status_line(None, None, "en") is None
