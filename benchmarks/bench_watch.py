"""Instant feedback: time from saving a file to its new verdict on screen in `kldrill watch`, against a
cold `kldrill grade` of the same file, measured in the same run.

Runs `kldrill watch` on a fresh workspace with its stdout on a pipe (each line timestamped as it
arrives), saves k1.py alternately as the reference and as a wrong variant (the sign flipped), and
measures, per save, the time until the verdict's line ("Next: k2" after a right k1, "Next: k1" after a
wrong one) is read. Then times `kldrill grade WORKSPACE -e k1` of the same files. Target: a median
under 300 ms in watch mode.
Run: python benchmarks/bench_watch.py [--saves 9] [--cold 3] [--interval SECONDS]
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RIGHT = (ROOT / "solutions" / "k1.py").read_text()
WRONG = "import torch\n\n\ndef k1(log_p, log_q):\n    return log_p - log_q  # the sign flipped\n"
ENV = {**os.environ, "KLDRILL_LANG": "en", "TERM": "dumb"}


def _kldrill(*args: str) -> list[str]:
    return [sys.executable, "-m", "grader", *args]


def _reader(stream, lines: "queue.Queue[tuple[float, str]]") -> None:  # noqa: ANN001 - a pipe
    for line in stream:
        lines.put((time.perf_counter(), line))


def _until(lines: "queue.Queue[tuple[float, str]]", text: str, seconds: float = 180) -> float:
    """When the first line containing ``text`` arrived (lines before it are consumed)."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        try:
            at, line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if text in line:
            return at
    raise SystemExit(f"bench_watch: {text!r} never appeared")


def _save(path: Path, text: str) -> float:
    path.write_text(text)
    return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=9)
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--interval", type=float, default=None,
                        help="watch's --interval (default: watch's own default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        ws = Path(tmp) / "ws"
        subprocess.run(_kldrill("init", str(ws)), check=True, capture_output=True, env=ENV)
        extra = ["--interval", str(args.interval)] if args.interval is not None else []
        proc = subprocess.Popen(_kldrill("watch", str(ws), *extra), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=ENV, bufsize=1)
        lines: "queue.Queue[tuple[float, str]]" = queue.Queue()
        threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
        try:
            started = time.perf_counter()
            _until(lines, "Watching")
            print(f"watch up (judge started, first grade of all five): {time.perf_counter() - started:.2f} s")
            warm: list[float] = []
            for i in range(args.saves):
                right = i % 2 == 0
                time.sleep(0.4)  # a distinct mtime, and the watcher idle again
                saved = _save(ws / "k1.py", RIGHT if right else WRONG)
                shown = _until(lines, "Next: k2" if right else "Next: k1")
                _until(lines, "Watching")
                warm.append(shown - saved)
                print(f"  save {i + 1} ({'right' if right else 'wrong'} k1): {1000 * warm[-1]:.0f} ms")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        cold: list[float] = []
        for text in ([RIGHT, WRONG] * args.cold)[:args.cold]:
            (ws / "k1.py").write_text(text)
            t0 = time.perf_counter()
            subprocess.run(_kldrill("grade", str(ws), "-e", "k1"), capture_output=True, env=ENV)
            cold.append(time.perf_counter() - t0)
            print(f"  cold grade: {1000 * cold[-1]:.0f} ms")
    w, c = statistics.median(warm), statistics.median(cold)
    print(f"watch, save to verdict on screen: median {1000 * w:.0f} ms over {len(warm)} saves")
    print(f"cold `kldrill grade -e k1`:        median {1000 * c:.0f} ms over {len(cold)} runs")
    print(f"ratio cold/watch: {c / w:.1f}x; target under 300 ms: {'met' if w < 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
