"""The README's two-minute tour is a transcript: each command of its console blocks is run again here, on
the workspace the tour describes, and must print what the README shows (the workspace's path and the
isolation line, which depend on the machine, aside)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import ROOT, SOLUTIONS, kldrill


def tour_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme[readme.index("## A two-minute tour"):readme.index("## 两分钟上手")]
    return re.findall(r"```console\n(.*?)```", tour, re.S)


def shown(block: str, command: str) -> list[str]:
    """The lines the README shows under ``$ <command>``, up to the next prompt."""
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"$ {command}"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("$ ")), len(lines))
    return lines[start + 1:end]


def comparable(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith(("isolation: ", "/"))]


def test_the_tour_is_a_transcript(tmp_path: Path) -> None:
    practise, grade, quiz = tour_blocks()
    assert kldrill("init", "--track", "1", "my-kl", cwd=tmp_path).stdout.splitlines() == shown(
        practise, "kldrill init --track 1 my-kl")
    workspace = tmp_path / "my-kl"
    shutil.copyfile(SOLUTIONS / "k1.py", workspace / "k1.py")  # "write k1 correctly"
    k2 = (workspace / "k2.py").read_text(encoding="utf-8")
    (workspace / "k2.py").write_text(k2.replace('raise NotImplementedError("write k2 here / 在这里实现 k2")',
                                                "return (log_p - log_q) ** 2"), encoding="utf-8")
    assert kldrill("hint", "k2", cwd=workspace).stdout.splitlines() == shown(practise, "kldrill hint k2")

    out = kldrill("grade", "-e", "k1", "-e", "k2", cwd=workspace).stdout.splitlines()
    assert comparable(out) == comparable(shown(grade, "kldrill grade -e k1 -e k2"))
    zh = kldrill("grade", "-e", "k2", "--lang", "zh", cwd=workspace).stdout.splitlines()
    assert zh[-3:] == shown(grade, "kldrill grade -e k2 --lang zh | tail -3")

    out = kldrill("quiz", "--ids", "k1-value", cwd=workspace, input="-0.5\n").stdout
    out = out.replace(str(ROOT), ".../kl-drill")
    assert out.splitlines() == shown(quiz, "printf -- '-0.5\\n' | kldrill quiz --ids k1-value")
