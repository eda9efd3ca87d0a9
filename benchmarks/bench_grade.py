"""How long one `kldrill grade` of a full workspace takes, against starting Python and importing torch.

Both are measured in this run, alternating, so machine noise hits them alike. Target: ratio < 2.5.
Run: python benchmarks/bench_grade.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from _alternate import alternate

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    baseline_cmd = [sys.executable, "-c", "import torch"]
    grade_cmd = [sys.executable, "-m", "grader", "grade", str(ROOT / "solutions"), "--json"]
    base, grade = alternate(baseline_cmd, grade_cmd, args.repeat)
    b, g = statistics.median(base), statistics.median(grade)
    print(f"python -c 'import torch'      median {b:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in base)})")
    print(f"kldrill grade solutions        median {g:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in grade)})")
    print(f"ratio grade / import torch     {g / b:.2f}x  (target < 2.5x)")


if __name__ == "__main__":
    main()
