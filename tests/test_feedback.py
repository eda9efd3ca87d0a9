"""Feedback a learner can act on: what their code printed, every failing check, the current
exercise's hint, and resetting one exercise without losing their work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from conftest import EXERCISES, SOLUTIONS, grade_json, kldrill

SCHEMA = json.loads((Path(__file__).resolve().parent / "schemas" / "kldrill_grade.schema.json").read_text())

CHATTY = '''import sys
import torch
print("importing chatty")

def k1(log_p, log_q):
    print("k1 sees", tuple(log_p.shape))
    return log_q - log_p

def k2(log_p, log_q):
    sys.stderr.write("k2 on stderr\\n")
    return (log_p - log_q) ** 2

def k3(log_p, log_q):
    sys.stdout.write("\\x1b[2J" + "z" * 5000)
    lr = log_p - log_q
    return torch.expm1(lr) - lr
'''


def test_what_the_code_printed_is_shown_per_exercise_capped_and_escaped(write) -> None:
    path = write("chatty.py", CHATTY)
    doc, proc = grade_json(str(path), "-e", "k1", "-e", "k2", "-e", "k3")
    jsonschema.validate(doc, SCHEMA)
    out = {e["name"]: e["output"] for e in doc["exercises"]}
    # The import's output belongs to the first exercise that imports the file; each call's to its own.
    assert out["k1"].startswith("importing chatty\nk1 sees (3,)\n")
    assert "k2" not in out["k1"] and "z" not in out["k1"]
    assert out["k2"].startswith("k2 on stderr\n") and "k1 sees" not in out["k2"]
    assert "importing" not in out["k2"] + out["k3"]
    # 2 KiB kept, then a note of how much there was; the escape sequence is shown, never sent raw.
    assert "\x1b" not in out["k3"] and out["k3"].startswith("\\x1b[2Jzzz")
    assert len(out["k3"]) < 2200 and "(truncated:" in out["k3"]
    assert [e["status"] for e in doc["exercises"]] == ["passed", "failed", "passed"]
    table = kldrill("grade", str(path), "-e", "k1", "-e", "k3")
    assert "what your k1 code printed (your output, not the grader's)" in table.stdout
    assert "  │ k1 sees (3,)" in table.stdout and "\x1b" not in table.stdout
    zh = kldrill("grade", str(path), "-e", "k2", "--lang", "zh")
    assert "你的 k2 代码打印的内容" in zh.stdout and "  │ k2 on stderr" in zh.stdout


def test_verbose_lists_every_failing_check(write) -> None:
    path = write("k2.py", "import torch\n\ndef k2(log_p, log_q):\n    return (log_p - log_q) ** 2\n")
    doc, _ = grade_json(str(path), "-e", "k2")
    checks = doc["exercises"][0]["checks"]
    failing = [c["name"] for c in checks if not c["passed"]]
    core = [c["name"] for c in checks if not c["passed"] and not c["conventions"]]
    assert len(core) >= 3 and set(core) < set(failing)  # wrong maths fails convention checks too
    brief = kldrill("grade", str(path), "-e", "k2").stdout
    # The first failure of the maths, the rest counted; a convention is not named where the maths is wrong.
    assert brief.count("k2 · ") == 1 and f"and {len(core) - 1} more failing checks" in brief
    full = kldrill("grade", str(path), "-e", "k2", "-v")
    assert full.returncode == 1
    shown = [line.split(" · ")[-1].split(":")[0] for line in full.stdout.splitlines() if line.startswith("k2 · ")]
    assert shown[:len(core)] == core and sorted(shown) == sorted(failing)
    assert "more failing checks" not in full.stdout


def test_bare_hint_is_the_current_exercises_next_hint(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kldrill("init", str(ws))
    first = kldrill("hint", cwd=ws)
    assert first.returncode == 0 and "k1 hint 1/3" in first.stdout
    (ws / "k1.py").write_text((SOLUTIONS / "k1.py").read_text())
    kldrill("grade", "-e", "k1", cwd=ws)
    second = kldrill("hint", cwd=ws).stdout
    assert "k2 hint 1/3" in second and "k1 hint" not in second
    assert "k2 hint 2/3" in kldrill("hint", "--lang", "en", cwd=ws).stdout
    assert "k2 提示 3/3" in kldrill("hint", "--lang", "zh", cwd=ws).stdout
    state = json.loads((ws / ".kldrill-state.json").read_text())
    assert state["hints"] == {"k1": 1, "k2": 3}
    outside = kldrill("hint", cwd=tmp_path)
    assert outside.returncode == 2 and outside.stderr.count("\n") == 1 and "kldrill hint k3" in outside.stderr


def test_reset_backs_up_restores_the_stub_and_forgets_the_verdict(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kldrill("init", str(ws))
    solution = (SOLUTIONS / "k3.py").read_text()
    (ws / "k3.py").write_text(solution)
    kldrill("grade", "-e", "k3", cwd=ws)
    assert _listed(ws, "k3") == "passed"
    proc = kldrill("reset", "k3", str(ws))
    assert proc.returncode == 0 and "kldrill-backups" in proc.stdout
    assert (ws / "k3.py").read_text() == (EXERCISES / "k3.py").read_text()
    assert _listed(ws, "k3") == "not graded yet"
    (ws / "k3.py").write_text("# second try\n")
    assert kldrill("reset", "k3", cwd=ws).returncode == 0  # DIR defaults to the current folder
    backups = sorted((ws / ".kldrill-backups").iterdir())
    # Two resets within a second: the second backup gets a name of its own.
    assert sorted(p.read_text() for p in backups) == sorted([solution, "# second try\n"])
    assert all(p.name.startswith("k3.py.") for p in backups)
    assert kldrill("reset", "k3", str(ws)).returncode == 0  # already the stub: nothing to back up
    assert len(list((ws / ".kldrill-backups").iterdir())) == 2
    zh = kldrill("reset", "k3", str(ws), "--lang", "zh")
    assert "已将" in zh.stdout and "恢复为初始模板" in zh.stdout
    for args in (["reset", "k9", str(ws)], ["reset", "k3", str(tmp_path)],
                 ["reset", "k3", str(tmp_path / "nope")]):
        bad = kldrill(*args)
        assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("\n") == 1, (args, bad.stderr)
        assert "Traceback" not in bad.stderr


def test_init_force_keeps_backups_and_list_consistent(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kldrill("init", str(ws))
    (ws / "k1.py").write_text((SOLUTIONS / "k1.py").read_text())
    kldrill("grade", "-e", "k1", cwd=ws)
    kldrill("hint", "k2", cwd=ws)
    assert _listed(ws, "k1") == "passed"
    proc = kldrill("init", str(ws), "--force")
    assert proc.returncode == 0 and "Kept 1 of your earlier files" in proc.stdout
    assert _listed(ws, "k1") == "not graded yet"
    (backup,) = (ws / ".kldrill-backups").iterdir()
    assert backup.read_text() == (SOLUTIONS / "k1.py").read_text()
    assert json.loads((ws / ".kldrill-state.json").read_text())["hints"] == {"k2": 1}  # hints stay used


def test_reset_and_bare_hint_do_not_import_torch(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kldrill("init", str(ws))
    code = ("import sys\nfrom grader.cli.main import cli\n"
            "for args in (['hint'], ['reset', 'k2', '.'], ['reset', 'k9']):\n"
            "    try:\n        cli(args, standalone_mode=False)\n    except BaseException:\n        pass\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ws)
    assert proc.returncode == 0, proc.stderr


def _listed(ws: Path, name: str) -> str:
    """The status column of ``name``'s row in `kldrill list` (columns are two spaces or more apart)."""
    import re

    for line in kldrill("list", cwd=ws).stdout.splitlines():
        if line.startswith(f"{name} "):
            return re.split(r"\s{2,}", line)[2]
    raise AssertionError(name)
