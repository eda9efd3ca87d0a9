"""How long `kldrill quiz --help` takes, against the `--help` of a bare one-command click app.

Both run in this process's Python, alternating, so machine noise hits them alike. The quiz command
imports its engine (bank, progress, fsrs, platformdirs) only when a quiz runs, so --help should cost
about what click itself does. Target: ratio < 1.5.
Run: python benchmarks/bench_quiz_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from _alternate import alternate

BARE_APP = '''
import click

@click.command()
@click.option("--count", type=int, default=10, help="How many questions.")
def quiz(count):
    """A bare click command."""

quiz()
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_click.py"
        bare.write_text(BARE_APP)
        bare_cmd = [sys.executable, str(bare), "--help"]
        # The installed console script, as a user runs it; `python -m grader` where it is not installed.
        script = Path(sys.executable).parent / "kldrill"
        entry = [str(script)] if script.exists() else [sys.executable, "-m", "grader"]
        quiz_cmd = [*entry, "quiz", "--help"]
        base, quiz = alternate(bare_cmd, quiz_cmd, args.repeat)
    b, q = statistics.median(base), statistics.median(quiz)
    print(f"bare click app --help       median {b * 1000:.0f} ms  (min {min(base) * 1000:.0f} ms)")
    print(f"kldrill quiz --help         median {q * 1000:.0f} ms  (min {min(quiz) * 1000:.0f} ms)")
    print(f"ratio quiz / bare click     {q / b:.2f}x  (target < 1.5x)")


if __name__ == "__main__":
    main()
