"""kldrill grade / init / list / hint as a user runs them: outputs and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import EXERCISES, NAMES, SOLUTIONS, grade_json, kldrill, statuses

JSON_KEYS = {"submission", "score", "max_score", "strict", "isolation", "exercises"}
EXERCISE_KEYS = {"name", "status", "score", "max_score", "core", "conventions", "strict", "checks", "diagnosis", "output"}


def test_reference_gets_full_marks() -> None:
    doc, proc = grade_json(str(SOLUTIONS))
    assert proc.returncode == 0
    assert set(doc) == JSON_KEYS
    assert doc["score"] == doc["max_score"] == float(len(NAMES))
    for e in doc["exercises"]:
        assert set(e) == EXERCISE_KEYS
        assert e["status"] == "passed" and e["diagnosis"] is None and e["output"] == ""
        assert len(e["checks"]) >= 8 and all(c["passed"] for c in e["checks"])
        assert all(set(c) == {"name", "passed", "message", "tier", "conventions"} for c in e["checks"])
        assert e["core"] and e["conventions"] and all(c["passed"] for c in e["conventions"])


def test_stubs_score_zero_and_every_exercise_fails() -> None:
    doc, proc = grade_json(str(EXERCISES))
    assert proc.returncode == 1
    assert doc["score"] == 0.0 and doc["max_score"] == float(len(NAMES))
    assert statuses(doc) == {n: "failed" for n in NAMES}
    for e in doc["exercises"]:
        assert not any(c["passed"] for c in e["checks"])
        assert "is not written yet (it raises NotImplementedError" in e["checks"][0]["message"]


def test_fresh_workspace_grades_like_the_stubs(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert kldrill("init", str(ws)).returncode == 0
    doc, proc = grade_json(cwd=ws)  # default PATH: the current workspace
    assert proc.returncode == 1 and doc["score"] == 0.0
    assert statuses(doc) == {n: "failed" for n in NAMES}
    listing = kldrill("list", cwd=ws)
    assert listing.returncode == 0
    assert "failed" in listing.stdout and "Next up: k1" in listing.stdout


def test_list_outside_a_workspace_says_so_in_one_line(tmp_path: Path) -> None:
    for args, lang, words in ((["list"], "en", "no kl-drill workspace at ."), (["list"], "zh", "不是 kl-drill 工作区"),
                              (["list", "--workspace", str(tmp_path / "nowhere")], "en", "nowhere")):
        proc = kldrill(*args, "--lang", lang, cwd=tmp_path)
        assert proc.returncode == 2 and proc.stdout == "", proc.stdout
        assert proc.stderr.startswith("kldrill: ") and proc.stderr.count("\n") == 1 and words in proc.stderr
    ws = tmp_path / "ws"
    kldrill("init", str(ws))
    listing = kldrill("list", "--workspace", str(ws), "--lang", "en", cwd=tmp_path)
    assert listing.returncode == 0 and "Next up: k1" in listing.stdout


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kldrill("init", str(ws))
    (ws / "k1.py").write_text("# my work\n")
    proc = kldrill("init", str(ws))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--force" in proc.stderr
    assert (ws / "k1.py").read_text() == "# my work\n"
    assert kldrill("init", str(ws), "--force").returncode == 0
    assert "NotImplementedError" in (ws / "k1.py").read_text()


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    for args in (["grade", str(tmp_path / "nope")], ["grade", str(SOLUTIONS), "--exercise", "k9"],
                 ["grade", str(tmp_path)], ["hint", "k9"]):
        proc = kldrill(*args)
        assert proc.returncode == 2, args
        assert proc.stdout == "" and proc.stderr.count("\n") == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_exercise_option_grades_only_those(tmp_path: Path) -> None:
    doc, proc = grade_json(str(EXERCISES), "--exercise", "k3", "-e", "k1")
    assert [e["name"] for e in doc["exercises"]] == ["k3", "k1"]
    assert doc["max_score"] == 2.0 and proc.returncode == 1


def test_one_file_with_a_subset_of_functions(write) -> None:
    path = write("mine.py", "import torch\n\ndef k3(log_p, log_q):\n    lr = log_p - log_q\n"
                            "    return torch.expm1(lr) - lr\n")
    doc, proc = grade_json(str(path))
    # Graded on what it defines (issue 24): k3 alone, passed, and one line says so.
    assert statuses(doc) == {"k3": "passed"} and proc.returncode == 0
    assert "mine.py defines (k3)" in proc.stderr
    doc, proc = grade_json(str(path), "-e", "k3", "-e", "k1")  # what is asked for by name is graded
    assert statuses(doc) == {"k3": "passed", "k1": "missing"} and proc.returncode == 1


def test_import_failure_errors_every_exercise_with_line(write) -> None:
    path = write("broken.py", "import torch\n\ndef k1(log_p, log_q)\n    return log_q - log_p\n")
    doc, proc = grade_json(str(path))
    assert proc.returncode == 1
    assert statuses(doc) == {n: "error" for n in NAMES}
    assert all("broken.py:3" in e["checks"][0]["message"] for e in doc["exercises"])
    path = write("raises.py", "import torch\nx = 1 / 0\n")
    doc, _ = grade_json(str(path))
    assert statuses(doc) == {n: "error" for n in NAMES}
    assert "ZeroDivisionError" in doc["exercises"][0]["checks"][0]["message"]
    assert "raises.py:2" in doc["exercises"][0]["checks"][0]["message"]


def test_table_names_the_first_failure_in_plain_words(write) -> None:
    path = write("k2.py", "import torch\n\ndef k2(log_p, log_q):\n    return (log_p - log_q) ** 2\n")
    proc = kldrill("grade", str(path), "-e", "k2")
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert "k2 is wrong at index" in proc.stdout
    assert "expected 0.125, got 0.25" in proc.stdout
    zh = kldrill("grade", str(path), "-e", "k2", "--lang", "zh")
    assert "期望 0.125，得到 0.25" in zh.stdout and "未通过" in zh.stdout


def test_same_submission_same_verdict(write) -> None:
    path = write("mixed.py", "import torch\n\ndef k1(log_p, log_q):\n    return log_p - log_q\n\n"
                             "def k2(log_p, log_q):\n    return (log_p - log_q) ** 2 / 2\n")
    first, _ = grade_json(str(path))
    second, _ = grade_json(str(path))
    assert first == second


def test_a_submission_that_draws_random_numbers_gets_the_same_verdict_every_time(write) -> None:
    """A "robust" DPO that flips one label in ten at random: its checks and its diagnosis see the same draws
    at every grading, so its verdict (which checks fail, with which numbers, and the mistake named) repeats."""
    path = write("robust.py", "import torch\nimport torch.nn.functional as F\n\n"
                              "def dpo_loss(pc, pr, rc, rr, beta):\n"
                              "    c, r = pc - rc, pr - rr\n"
                              "    z = beta * (c - r)\n"
                              "    flipped = torch.rand_like(z) < 0.1\n"
                              "    losses = torch.where(flipped, -F.logsigmoid(-z), -F.logsigmoid(z))\n"
                              "    return losses, (beta * c).detach(), (beta * r).detach()\n")
    docs = [grade_json(str(path), "--exercise", "dpo_loss")[0] for _ in range(3)]
    entry = next(e for e in docs[0]["exercises"] if e["name"] == "dpo_loss")
    assert entry["status"] == "failed" and entry["diagnosis"]["id"] == "nondeterministic", entry
    assert docs[0] == docs[1] == docs[2]


def test_grade_records_progress_for_list(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kldrill("init", str(ws))
    (ws / "k1.py").write_text((SOLUTIONS / "k1.py").read_text())
    kldrill("grade", cwd=ws)
    listing = kldrill("list", cwd=ws).stdout
    assert [line.split()[:3] for line in listing.splitlines() if line.startswith("k1 ")] == [
        ["k1", "k1.py", "passed"]]
    assert "Next up: k2" in listing


def test_hints_are_progressive_and_bilingual(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kldrill("init", str(ws))
    first = kldrill("hint", "k3", cwd=ws).stdout
    assert "k3 hint 1/3" in first and "hint 2/3" not in first
    second = kldrill("hint", "k3", cwd=ws).stdout
    assert "k3 hint 2/3" in second and "expm1" in second
    zh = kldrill("hint", "k3", "--level", "3", "--lang", "zh").stdout
    assert "k3 提示 3/3" in zh and "torch.expm1" in zh


def test_python_m_grader_is_kldrill() -> None:
    proc = subprocess.run([Path(sys.executable).parent / "kldrill", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == kldrill("--help").stdout


def test_light_commands_do_not_import_torch(tmp_path: Path) -> None:
    code = ("import sys, click\nfrom grader.cli.main import cli\n"
            "for args in (['--help'], ['list'], ['hint', 'k1'], ['hint', 'grpo_loss'], ['init', sys.argv[1]],\n"
            "             ['init', sys.argv[1] + '2', '--track', '2'], ['grade', '--help'],\n"
            "             ['reset', 'k1', sys.argv[1]], ['reset', '--help'], ['list', '--workspace', sys.argv[1]]):\n"
            "    try:\n        cli(args, standalone_mode=False)\n    except (SystemExit, click.ClickException):\n        pass\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ws")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_grading_a_plain_folder_writes_nothing_into_it(tmp_path: Path) -> None:
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "k1.py").write_text((SOLUTIONS / "k1.py").read_text())
    grade_json(str(folder))
    assert sorted(p.name for p in folder.iterdir()) == ["k1.py"]


def test_a_wrong_gradient_is_named_with_its_input(write) -> None:
    path = write("k1.py", "import torch\n\nclass F(torch.autograd.Function):\n    @staticmethod\n"
                          "    def forward(ctx, a, b):\n        return b - a\n\n    @staticmethod\n"
                          "    def backward(ctx, g):\n        return -2 * g, g\n\n"
                          "def k1(log_p, log_q):\n    return F.apply(log_p, log_q)\n")
    doc, proc = grade_json(str(path), "-e", "k1")
    (k1,) = doc["exercises"]
    failed = [c for c in k1["checks"] if not c["passed"]]
    assert proc.returncode == 1 and [c["name"] for c in failed] == ["gradients"]
    assert failed[0]["message"].startswith("the gradient with respect to log_p is wrong at index")


def test_tracks_in_list_init_and_grade(tmp_path: Path) -> None:
    """`list` groups by track; `init --track 2` copies track 2's stubs only; `grade --track N` grades that
    track; an unknown track is a one-line usage error."""
    from grader.exercises import names_in

    everything = tmp_path / "all"
    assert kldrill("init", str(everything)).returncode == 0
    listing = kldrill("list", cwd=everything).stdout
    first, second = listing.index("Track 1"), listing.index("Track 2")
    assert first < listing.index("compute_rewards_kl") < second < listing.index("grpo_loss")
    assert "Not in this workspace" not in listing
    ws = tmp_path / "ws"
    assert kldrill("init", str(ws), "--track", "2").returncode == 0
    assert sorted(p.name for p in ws.glob("*.py")) == sorted(f"{n}.py" for n in names_in([2]))
    listing = kldrill("list", cwd=ws).stdout
    assert "Next up: token_logprobs" in listing and "Track 1" not in listing and "k3.py" not in listing
    assert "Not in this workspace: track 1, track 3, track 4. `kldrill init --track 1 .` adds one." in listing
    # A track-2 workspace grades track 2: the other tracks are not "missing" there.
    doc, _ = grade_json(cwd=ws)
    assert [e["name"] for e in doc["exercises"]] == names_in([2])
    doc, proc = grade_json(str(SOLUTIONS), "--track", "2")
    assert proc.returncode == 0 and [e["name"] for e in doc["exercises"]] == names_in([2])
    doc, proc = grade_json(str(SOLUTIONS), "--track", "1", "-e", "k1", "-e", "grpo_loss")
    assert [e["name"] for e in doc["exercises"]] == ["k1"]
    for args in (["grade", str(SOLUTIONS), "--track", "9"], ["init", str(tmp_path / "x"), "--track", "0"],
                 ["grade", str(SOLUTIONS), "--track", "2", "-e", "k1"]):
        proc = kldrill(*args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("kldrill:"), args
    assert not (tmp_path / "x").exists()
    zh = kldrill("grade", str(SOLUTIONS), "--track", "9", "--lang", "zh").stderr
    assert "没有第 9 部分" in zh


def test_track_4_inits_and_grades_like_tracks_2_and_3(tmp_path: Path) -> None:
    """Issue 30: `init --track 4` copies the five stubs (guided or closed-book), `grade --track 4` grades them:
    the stubs 0 and failed, the references full marks, nothing else listed as missing."""
    from grader.exercises import names_in

    four = names_in([4])
    assert four == ["rloo_advantages", "is_weights", "gspo_loss", "cispo_loss", "generalized_jsd"]
    for flags, source in (([], EXERCISES), (["--closed-book"], EXERCISES / "closed_book")):
        ws = tmp_path / ("closed" if flags else "guided")
        assert kldrill("init", str(ws), "--track", "4", *flags).returncode == 0
        assert sorted(p.name for p in ws.glob("*.py")) == sorted(f"{n}.py" for n in four)
        for n in four:
            assert (ws / f"{n}.py").read_text(encoding="utf-8") == (source / f"{n}.py").read_text(encoding="utf-8")
        doc, proc = grade_json(cwd=ws)
        assert proc.returncode == 1 and [e["name"] for e in doc["exercises"]] == four
        assert {e["status"] for e in doc["exercises"]} == {"failed"} and doc["score"] == 0
    listing = kldrill("list", cwd=tmp_path / "guided").stdout
    assert "Next up: rloo_advantages" in listing and "Track 4" in listing and "k3.py" not in listing
    assert "Not in this workspace: track 1, track 2, track 3." in listing
    doc, proc = grade_json(str(SOLUTIONS), "--track", "4")
    assert proc.returncode == 0 and [e["name"] for e in doc["exercises"]] == four
    assert set(statuses(doc).values()) == {"passed"} and doc["score"] == doc["max_score"] > 0
