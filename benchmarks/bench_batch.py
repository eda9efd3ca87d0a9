"""Grading a class: one `kldrill grade --batch` against one `kldrill grade` per submission.

Builds N submissions in a temporary folder (full five-function files and workspaces, mixing the
reference, the stubs and the correct and wrong variants of tests/test_diagnosis.py), then times, in the
same run, the batch and the same submissions graded one command at a time. Target: the batch at
least 10x faster.
Run: python benchmarks/bench_batch.py [--count 24] [--jobs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_diagnosis import CORRECT, WRONG, source  # noqa: E402  (the variants the diagnosis tests use)

NAMES = ["k1", "k2", "k3", "grpo_kl", "compute_rewards_kl"]


def _reference(name: str) -> str:
    return (ROOT / "solutions" / f"{name}.py").read_text()


def build(folder: Path, count: int) -> list[Path]:
    """``count`` submissions in ``folder``: every 4th a workspace, the rest one .py file each.

    Each defines all five functions: the reference, with one function replaced by a variant (wrong,
    correct in another style, or the stub), so a class's spread of verdicts and diagnoses is graded.
    """
    folder.mkdir(parents=True, exist_ok=True)
    variants = [(ex, source(ex, body)) for _, ex, body in WRONG] + [(ex, source(ex, body)) for ex, body in CORRECT]
    variants += [(name, (ROOT / "exercises" / f"{name}.py").read_text()) for name in NAMES]
    made = []
    for i in range(count):
        exercise, replacement = variants[(i * 7) % len(variants)] if i % 6 else (None, None)
        files = {name: replacement if name == exercise else _reference(name) for name in NAMES}
        if i % 4 == 3:
            path = folder / f"student_{i:03d}"
            path.mkdir()
            for name, text in files.items():
                (path / f"{name}.py").write_text(text)
        else:
            path = folder / f"student_{i:03d}.py"
            path.write_text("\n\n".join(files.values()))
        made.append(path)
    return made


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if proc.returncode not in (0, 1):  # 1: some submission failed, which is the point
        raise SystemExit(f"{' '.join(command)} exited with {proc.returncode}")
    return time.perf_counter() - start, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="build the submissions here and keep them")
    parser.add_argument("--mode", choices=["sandbox", "no-sandbox"], default="sandbox",
                        help="grade in the bubblewrap sandbox (default) or without it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kldrill-bench-"))
    try:
        paths = build(folder / "class", args.count)
        kldrill = [sys.executable, "-m", "grader", "grade", f"--{args.mode}"]
        batch_cmd = kldrill + ["--batch", str(folder / "class"), "--json", "--jobs", str(args.jobs)]
        timed(kldrill + [str(paths[0]), "--json"])  # warm the page cache for both
        # The batch before and after the one-at-a-time run, so a shared machine's noise hits both alike.
        batches = [timed(batch_cmd)[0]]
        alone = 0.0
        for path in paths:
            alone += timed(kldrill + [str(path), "--json"])[0]
        batches.append(timed(batch_cmd)[0])
        batch = sum(batches) / len(batches)
        print(f"submissions                    {len(paths)} (jobs {args.jobs}, {os.cpu_count()} cores, {args.mode})")
        print(f"kldrill grade --batch          {batch:.2f} s  ({batch / len(paths):.3f} s per submission; "
              f"runs {', '.join(f'{b:.2f}' for b in batches)})")
        print(f"kldrill grade, one at a time   {alone:.2f} s  ({alone / len(paths):.3f} s per submission)")
        print(f"ratio one-at-a-time / batch    {alone / batch:.1f}x  (target >= 10x)")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
