"""How fast `kldrill lab` is: the whole command, and the library call, each against a baseline run alongside.

1. `kldrill lab --samples 1000000 --json` (a fresh process: start-up, torch import, one million samples of
   k1, k2 and k3, the summaries) against `python -c "import torch"`, alternating. Target: ratio < 1.5.
2. In one process, `run_lab(samples=1_000_000)` against drawing the same million float64 normals
   (`torch.randn`) alone: what the lab adds on top of sampling. Target: well under a second.
Run: python benchmarks/bench_lab.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _alternate import alternate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the library part imports grader from this checkout


def _runs(values: list[float], digits: int = 2) -> str:
    return ", ".join(f"{x:.{digits}f}" for x in values)


def library(repeat: int, samples: int) -> tuple[list[float], list[float]]:
    import torch

    from grader.lab.estimate import run_lab
    from grader.lab.gaussians import Gaussian

    q, p = Gaussian(0.5, 1), Gaussian(0, 1)
    run_lab(q, p, samples)  # warm-up: first calls into torch's kernels
    base, lab = [], []
    for seed in range(repeat):
        start = time.perf_counter()
        torch.randn(samples, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        base.append(time.perf_counter() - start)
        start = time.perf_counter()
        run_lab(q, p, samples, seed)
        lab.append(time.perf_counter() - start)
    return base, lab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--samples", type=int, default=1_000_000)
    args = parser.parse_args()

    baseline_cmd = [sys.executable, "-c", "import torch"]
    lab_cmd = [sys.executable, "-m", "grader", "lab", "--samples", str(args.samples), "--json"]
    base, lab = alternate(baseline_cmd, lab_cmd, args.repeat)
    b, g = statistics.median(base), statistics.median(lab)
    print(f"python -c 'import torch'               median {b:.3f} s  (runs: {_runs(base)})")
    print(f"kldrill lab --samples {args.samples} --json  median {g:.3f} s  (runs: {_runs(lab)})")
    print(f"ratio lab / import torch                {g / b:.2f}x  (target < 1.5x)")

    base, lab = library(args.repeat, args.samples)
    b, g = statistics.median(base), statistics.median(lab)
    print(f"torch.randn({args.samples}, float64)          median {1000 * b:.1f} ms  (runs: {_runs([1000 * x for x in base], 1)})")
    print(f"run_lab(samples={args.samples}), k1 k2 k3     median {1000 * g:.1f} ms  (runs: {_runs([1000 * x for x in lab], 1)})")
    print(f"ratio run_lab / randn                   {g / b:.2f}x  (target: run_lab well under 1 s)")


if __name__ == "__main__":
    main()
