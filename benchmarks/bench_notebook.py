"""A notebook's check(): repeated checks on the kernel's warm judge against a cold check (a judge started for
each, as check() did before), measured in the same run.

In this process (as a Jupyter kernel would): check("k3", f) once to start the warm judge (reported apart),
then --warm more checks alternating a right and a wrong k3; then --cold grades of the same one-file submission
through grading.grade, each with a judge of its own. Target: a warm check's median under 300 ms.
Run: python benchmarks/bench_notebook.py [--warm 9] [--cold 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def right_k3(log_p, log_q):  # noqa: ANN001, ANN201
    lr = log_p - log_q
    return lr.exp() - 1 - lr


def wrong_k3(log_p, log_q):  # noqa: ANN001, ANN201
    lr = log_p - log_q
    return lr.exp() - lr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=9)
    parser.add_argument("--cold", type=int, default=3)
    args = parser.parse_args()
    from grader import notebook
    from grader.judging.grading import grade

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    started = time.perf_counter()
    first = notebook.check("k3", right_k3, lang="en")
    assert first.passed, repr(first)
    print(f"first check (starts the kernel's judge): {time.perf_counter() - started:.2f} s")
    warm = []
    for i in range(args.warm):
        fn = right_k3 if i % 2 else wrong_k3
        started = time.perf_counter()
        result = notebook.check("k3", fn, lang="en")
        warm.append(time.perf_counter() - started)
        assert result.passed == (fn is right_k3), repr(result)
    notebook.close()
    cold = []
    with tempfile.TemporaryDirectory(prefix="bench-notebook-") as tmp:
        path = Path(tmp) / "k3.py"
        path.write_text(notebook.build("k3", wrong_k3).source)
        for _ in range(args.cold):
            started = time.perf_counter()
            grade(path, ["k3"], lang="en")
            cold.append(time.perf_counter() - started)
    w, c = statistics.median(warm), statistics.median(cold)
    print(f"warm check: median {w * 1000:.0f} ms (min {min(warm) * 1000:.0f}, max {max(warm) * 1000:.0f}) "
          f"over {len(warm)}")
    print(f"cold check: median {c:.2f} s over {len(cold)}")
    print(f"speed-up {c / w:.1f}x; target: warm median under 300 ms: {'met' if w < 0.3 else 'NOT met'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
