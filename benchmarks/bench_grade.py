"""How long one `kldrill grade` of a full workspace takes, against starting Python and importing torch.

All are measured in this run, alternating, so machine noise hits them alike: the grade with the sandbox
(bubblewrap, the default where it works) and without it. Target: ratio < 2.5 in both.
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
    base, sandboxed, plain = alternate(baseline_cmd, grade_cmd + ["--sandbox"], args.repeat,
                                       grade_cmd + ["--no-sandbox"])
    b = statistics.median(base)
    print(f"python -c 'import torch'          median {b:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in base)})")
    for label, runs in (("--sandbox", sandboxed), ("--no-sandbox", plain)):
        g = statistics.median(runs)
        print(f"kldrill grade solutions {label:<12} median {g:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in runs)})"
              f"  ratio {g / b:.2f}x  (target < 2.5x)")

if __name__ == "__main__":
    main()
