"""How long the commands that need no tensors take to start, against a bare `python -c pass`.

`kldrill --help`, `kldrill list` (in a fresh workspace), `kldrill hint k1` and `kldrill quiz --help`, each
run as a user runs it (the installed console script; `python -m grader` where it is not installed), all
alternating with `python -c pass` in one run so the noise of a shared machine hits them alike.
Target: each within 5x `python -c pass` (the ratio of the medians).
Run: python benchmarks/bench_startup.py [--repeat N]

With PYTHONDONTWRITEBYTECODE set, no .pyc is kept and every run compiles kl-drill's and click's
modules again: that is not what an installed kl-drill does, so it is left out of the children's
environment here (and said so).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _alternate import alternate

TARGET = 5.0
COMMANDS = (["--help"], ["list"], ["hint", "k1"], ["quiz", "--help"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        print("(PYTHONDONTWRITEBYTECODE unset for the runs: .pyc files are written and used, as installed)")
    script = Path(sys.executable).parent / "kldrill"
    entry = [str(script)] if script.exists() else [sys.executable, "-m", "grader"]
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        subprocess.run([*entry, "init", str(workspace)], check=True, capture_output=True)
        # In the workspace, so `list` reports on it and `hint` records the hint there.
        commands = [[*entry, *command] for command in COMMANDS]
        os.chdir(workspace)
        for command in commands:  # the first run writes the .pyc files and the data caches
            subprocess.run(command, check=True, capture_output=True)
        base, *runs = alternate([sys.executable, "-c", "pass"], *commands[:1], args.repeat, *commands[1:])
    b = statistics.median(base)
    print(f"{'python -c pass':<22} median {b * 1000:5.1f} ms  (min {min(base) * 1000:.1f} ms)")
    met = True
    for command, times in zip(COMMANDS, runs):
        m = statistics.median(times)
        ok = m / b <= TARGET
        met &= ok
        print(f"{'kldrill ' + ' '.join(command):<22} median {m * 1000:5.1f} ms  (min {min(times) * 1000:.1f} ms)"
              f"  ratio {m / b:4.2f}x (of the minima {min(times) / min(base):4.2f}x)  "
              f"{'meets' if ok else 'MISSES'} {TARGET:g}x")
    print("all within target" if met else "some command misses the target")


if __name__ == "__main__":
    main()
