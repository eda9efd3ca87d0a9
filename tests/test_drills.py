"""Fix-the-bug drills (`kldrill drill`): every drill in the data plants exactly its mistake, the repair
is judged by behaviour, and a learner's own file is never lost."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import SOLUTIONS, kldrill
from grader import exercises
from grader.judging.grading import grade_many
from grader.practice import drills
from grader.practice.drills import FAILING, FIXED, NOT_FIXED, OTHER_MISTAKE, DrillError
from grader.judging.results import Check, ExerciseResult

DRILLS = drills.all_drills()
IDS = [f"{d.exercise}-{d.mistake}-{d.style}" for d in DRILLS]


def _catalogue() -> list[dict]:
    return yaml.safe_load((Path(drills.__file__).parent.parent / "data" / "mistakes.yaml").read_text())["mistakes"]


def _output_pairs() -> set[tuple[str, str]]:
    return {(exercise, m["id"]) for m in _catalogue() if m["kind"] == "output" for exercise in m["expr"]}


# -- the data ------------------------------------------------------------------------------------------
def test_every_drill_names_a_catalogued_mistake_of_its_exercise() -> None:
    catalogue = drills.mistake_catalogue()
    assert len(DRILLS) >= 100
    for d in DRILLS:
        assert d.exercise in exercises.names(), d
        assert d.mistake in catalogue and d.exercise in catalogue[d.mistake]["exercises"], d
    for exercise, skipped in drills.not_drilled().items():
        for mistake, why in skipped.items():
            assert (exercise, mistake) in _output_pairs() and why.strip(), (exercise, mistake)
            assert not any((d.exercise, d.mistake) == (exercise, mistake) for d in DRILLS), (exercise, mistake)


def test_every_output_mistake_has_several_styles_or_a_reason_not_to() -> None:
    for exercise, mistake in sorted(_output_pairs()):
        styles = [d for d in DRILLS if (d.exercise, d.mistake) == (exercise, mistake)]
        if mistake in drills.not_drilled().get(exercise, {}):
            continue
        assert len(styles) >= 2, (exercise, mistake)
        assert len({d.body for d in styles}) == len(styles), (exercise, mistake)  # styles, not copies


def test_every_exercise_whose_catalogue_has_a_mistake_has_a_drill() -> None:
    # Whatever the mistake's kind (output, property, model): a new exercise needs drills (data only).
    catalogued = {e for m in drills.mistake_catalogue().values() for e in m["exercises"]}
    assert catalogued <= set(drills.exercises_with_drills()), sorted(catalogued - set(drills.exercises_with_drills()))


def test_every_mistake_the_grader_names_in_tracks_2_to_4_can_be_drilled() -> None:
    # Whatever its kind: a learner told "stateful" or "wrong_device" by `kldrill grade` can practise that fix.
    # (Track 1 still lacks some property drills, e.g. k1's stateful and wrong_device.)
    missing = [(e.name, mistake) for e in exercises.all_exercises() if e.track in (2, 3, 4)
               for mistake, m in drills.mistake_catalogue().items() if e.name in m["exercises"]
               and mistake not in drills.not_drilled().get(e.name, {})
               and not any((d.exercise, d.mistake) == (e.name, mistake) for d in DRILLS)]
    assert missing == []


def test_the_drill_file_is_the_stub_contract_with_a_body_and_an_anonymous_header() -> None:
    for d in DRILLS:
        text = drills.render(d)
        stub = drills.stub_text(d.exercise)
        header, rest = text.split("\n", 1)
        assert header.startswith("# Fix-the-bug drill / 改错练习") and "kldrill drill --check" in header
        assert d.mistake not in header and "NotImplementedError" not in rest
        kept = iter(rest.splitlines())  # the stub (its contract) is all there, in order, but for the raise
        assert all(line in kept for line in stub.splitlines() if "raise NotImplementedError" not in line), d
        assert all(line.strip() in rest for line in d.body.splitlines())
        compile(text, d.exercise, "exec")
        assert drills.is_replaceable(d.exercise, text)


def test_a_class_drill_fills_every_method_of_the_stub_in_order() -> None:
    # A class exercise's stub has one `raise NotImplementedError` per method: a style's `bodies` fill them
    # in order (a single `body` fills only the last one, so a class needs `bodies`).
    stub = drills.stub_text("adaptive_kl_controller")
    assert stub.count("raise NotImplementedError") == 2
    class_drills = drills.for_exercise("adaptive_kl_controller")
    assert class_drills and all(len(d.bodies) == 2 for d in class_drills)
    for d in class_drills:
        text = drills.render(d)
        init, update = text.index("    def __init__("), text.index("    def update(")
        assert d.bodies[0].splitlines()[0].strip() in text[init:update]
        assert d.bodies[1].splitlines()[0].strip() in text[update:]
        assert all("        " + line in text.splitlines() for b in d.bodies for line in b.splitlines() if line.strip())
    one = drills.Drill("adaptive_kl_controller", "error_not_clipped", 0, "pass", bodies=("pass",) * 3)
    with pytest.raises(DrillError) as exc:
        drills.render(one)  # three bodies for two methods
    assert exc.value.key == "drill_bad_stub"


def test_rotation_plants_a_different_mistake_each_time_and_a_seed_is_reproducible() -> None:
    for exercise in drills.exercises_with_drills():
        mistakes = {d.mistake for d in drills.for_exercise(exercise)}
        firsts = [drills.choose(exercise, turn=i).mistake for i in range(len(mistakes))]
        assert sorted(firsts) == sorted(mistakes), exercise
        assert len({drills.choose(exercise, turn=i) for i in range(len(drills.for_exercise(exercise)))}) == \
            len(drills.for_exercise(exercise))  # the rotation reaches every style
    assert drills.choose("k3", seed=7) == drills.choose("k3", seed=7)
    assert len({drills.choose("k3", seed=s) for s in range(20)}) > 3
    assert {drills.choose("k3", turn=i, mistake="double_exp").mistake for i in range(4)} == {"double_exp"}
    with pytest.raises(DrillError) as exc:
        drills.choose("k3", mistake="kl_ctl_ignored")
    assert exc.value.key == "drill_unknown_mistake"
    with pytest.raises(DrillError):
        drills.choose("k4")


# -- judging the repair ----------------------------------------------------------------------------------
def _result(status: str, diagnosis: str | None = None, failure: str = "") -> ExerciseResult:
    checks = [Check("values", status == "passed", failure)]
    return ExerciseResult("k3", status, 1.0, checks, {"id": diagnosis, "message": {"en": f"<{diagnosis}>",
                                                                                    "zh": f"《{diagnosis}》"}}
                          if diagnosis else None)


def test_judge_says_whether_the_planted_mistake_was_the_one_fixed() -> None:
    fixed = drills.judge("k3", "double_exp", _result("passed"))
    assert fixed.kind == FIXED and fixed.fixed and fixed.planted_fixed
    assert fixed.render("en").startswith("k3: You fixed the planted mistake: You exponentiated twice")
    assert "你修好了植入的错误" in fixed.render("zh")
    same = drills.judge("k3", "double_exp", _result("failed", "double_exp"))
    assert same.kind == NOT_FIXED and not same.planted_fixed and "Not fixed yet" in same.render("en")
    other = drills.judge("k3", "double_exp", _result("failed", "sign_flipped"))
    assert other.kind == OTHER_MISTAKE and other.planted_fixed and not other.fixed
    assert other.render("en") == "k3: The planted mistake is fixed but another one remains: <sign_flipped>"
    assert "《sign_flipped》" in other.render("zh")
    failing = drills.judge("k3", "double_exp", _result("failed", None, "k3 is wrong at index 0"))
    assert failing.kind == FAILING and not failing.planted_fixed and "k3 is wrong at index 0" in failing.render("en")
    assert drills.judge("k3", "double_exp", ExerciseResult("k3", "missing", 1.0)).kind == FAILING


# -- every drill, graded (one batch: one judge, torch imported once) ------------------------------------
@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("drills")
    paths = []
    for i, d in enumerate(DRILLS):
        folder = root / f"{i:03d}"
        folder.mkdir()
        (folder / exercises.get(d.exercise).file).write_text(drills.render(d), encoding="utf-8")
        paths.append(folder)
    for name in drills.exercises_with_drills():  # the reference in place of a drill
        folder = root / f"reference_{name}"
        folder.mkdir()
        shutil.copyfile(SOLUTIONS / exercises.get(name).file, folder / exercises.get(name).file)
        paths.append(folder)
    results = grade_many(paths, strict=True)  # as `kldrill drill --check` grades: a planted convention counts
    return {path.name: {e.name: e for e in r.exercises} for path, r in zip(paths, results)}


@pytest.mark.parametrize("index", range(len(DRILLS)), ids=IDS)
def test_each_drill_fails_on_exactly_its_exercise_with_its_planted_mistake(verdicts: dict, index: int) -> None:
    d = DRILLS[index]
    by_name = verdicts[f"{index:03d}"]
    assert by_name[d.exercise].status == "failed"
    assert {e.status for n, e in by_name.items() if n != d.exercise} == {"missing"}
    assert (by_name[d.exercise].diagnosis or {}).get("id") == d.mistake, by_name[d.exercise].first_failure()
    assert drills.judge(d.exercise, d.mistake, by_name[d.exercise]).kind == NOT_FIXED


@pytest.mark.parametrize("name", drills.exercises_with_drills())
def test_the_reference_in_place_of_a_drill_passes_and_is_fixed(verdicts: dict, name: str) -> None:
    result = verdicts[f"reference_{name}"][name]
    assert result.status == "passed"
    for mistake in {d.mistake for d in drills.for_exercise(name)}:
        assert drills.judge(name, mistake, result).kind == FIXED


# -- the command -------------------------------------------------------------------------------------------
def _state(ws: Path) -> dict:
    return json.loads((ws / ".kldrill-state.json").read_text())


def test_a_drill_never_overwrites_the_learners_own_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert kldrill("init", str(ws)).returncode == 0
    mine = "import torch\n\n\ndef k1(log_p, log_q):\n    return log_q - log_p  # mine\n"
    (ws / "k1.py").write_text(mine)
    before = _state(ws)
    refused = kldrill("drill", "--fix", "k1", str(ws))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr and "--force" in refused.stderr
    assert (ws / "k1.py").read_text() == mine and _state(ws) == before and not list(ws.glob("k1.py.bak*"))
    # the untouched stub is replaced, and so is an untouched drill of ours (a second drill); the verdict
    # recorded on the old file goes, so `kldrill list` does not call the drill passed
    (ws / ".kldrill-state.json").write_text(json.dumps({**before, "exercises": {"k2": {"status": "passed"}}}))
    assert kldrill("drill", "--fix", "k2", str(ws)).returncode == 0
    assert "k2" not in _state(ws)["exercises"]
    first = (ws / "k2.py").read_text()
    assert kldrill("drill", "--fix", "k2", str(ws)).returncode == 0
    assert (ws / "k2.py").read_text() != first and not list(ws.glob("k2.py.bak*"))
    # --force keeps the learner's file, and never overwrites an earlier backup
    forced = kldrill("drill", "--fix", "k1", str(ws), "--force")
    assert forced.returncode == 0 and "k1.py.bak" in forced.stdout
    assert (ws / "k1.py.bak").read_text() == mine and (ws / "k1.py").read_text().startswith("# Fix-the-bug")
    (ws / "k1.py").write_text(mine + "# edited the drill\n")
    assert kldrill("drill", "--fix", "k1", str(ws), "--force").returncode == 0
    assert (ws / "k1.py.bak").read_text() == mine and (ws / "k1.py.bak.1").read_text() == mine + "# edited the drill\n"
    assert _state(ws)["drills"]["k1"]["backup"] == "k1.py.bak.1"


def test_check_says_which_drills_were_fixed(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    for name, mistake in (("k1", "sign_flipped"), ("k2", "missing_half"), ("k3", "double_exp")):
        proc = kldrill("drill", "--fix", name, str(ws), "--mistake", mistake)
        assert proc.returncode == 0 and mistake not in proc.stdout, proc.stderr
    state = _state(ws)["drills"]
    assert {n: e["mistake"] for n, e in state.items()} == {"k1": "sign_flipped", "k2": "missing_half",
                                                           "k3": "double_exp"}
    shutil.copyfile(SOLUTIONS / "k1.py", ws / "k1.py")  # k1 repaired; k2 untouched
    text = (ws / "k3.py").read_text().splitlines()  # k3: the double exp repaired, the -1 dropped
    body = [i for i, line in enumerate(text) if line.startswith("    return")][-1]
    text[body] = "    return torch.exp(log_p - log_q) - (log_p - log_q)"
    (ws / "k3.py").write_text("\n".join(text) + "\n")
    proc = kldrill("drill", "--check", cwd=ws)
    assert proc.returncode == 1, proc.stderr
    assert "k1: You fixed the planted mistake: Your result is the right magnitude with the opposite sign" in proc.stdout
    assert "k2: Not fixed yet" in proc.stdout
    assert "k3: The planted mistake is fixed but another one remains: You forgot the -1" in proc.stdout
    assert "compute_rewards_kl" not in proc.stdout  # only the drills are graded
    state = _state(ws)
    assert {n: e["outcome"] for n, e in state["drills"].items()} == {"k1": FIXED, "k2": NOT_FIXED,
                                                                     "k3": OTHER_MISTAKE}
    assert "fixed_at" in state["drills"]["k1"] and state["exercises"]["k1"]["status"] == "passed"
    listed = kldrill("drill", "--list", str(ws)).stdout
    assert "another mistake remains" in listed and "not fixed yet" in listed
    one = kldrill("drill", "--check", "--fix", "k1", str(ws), "--json", "--lang", "zh")
    assert one.returncode == 0 and one.stdout.count("\n") == 1
    doc = json.loads(one.stdout)
    assert [o["outcome"] for o in doc["drills"]] == [FIXED]
    assert [e["name"] for e in doc["result"]["exercises"]] == ["k1"]
    assert _state(ws)["drills"]["k1"]["checks"] == 2
    # the next drill: over a repaired one found fixed, after a backup; over an unfixed edit, only with --force
    again = kldrill("drill", "--fix", "k1", str(ws))
    assert again.returncode == 0 and (ws / "k1.py.bak").read_text() == (SOLUTIONS / "k1.py").read_text()
    assert kldrill("drill", "--fix", "k3", str(ws)).returncode == 2


def test_a_drill_of_every_exercise_repaired_with_the_reference_is_fixed(tmp_path: Path) -> None:
    names = drills.exercises_with_drills()
    for name in names:
        assert kldrill("drill", "--fix", name, cwd=tmp_path).returncode == 0
        ws = tmp_path / "kl-drill-drill"
        shutil.copyfile(SOLUTIONS / exercises.get(name).file, ws / exercises.get(name).file)
    proc = kldrill("drill", "--check", cwd=tmp_path)  # finds kl-drill-drill
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [line.split(":")[0] for line in proc.stdout.splitlines() if "You fixed the planted mistake" in line] == names


def test_the_default_folder_is_created_then_found_by_check(tmp_path: Path) -> None:
    proc = kldrill("drill", "--fix", "compute_rewards_kl", "--seed", "3", cwd=tmp_path)
    assert proc.returncode == 0 and "kl-drill-drill" in proc.stdout
    ws = tmp_path / "kl-drill-drill"
    assert sorted(p.name for p in ws.glob("*.py")) == sorted(e.file for e in exercises.all_exercises())
    entry = _state(ws)["drills"]["compute_rewards_kl"]
    assert entry["seed"] == 3 and drills.choose("compute_rewards_kl", seed=3) == \
        drills.get("compute_rewards_kl", entry["mistake"], entry["style"])
    zh = kldrill("drill", "--fix", "k1", "--lang", "zh", cwd=ws)
    assert zh.returncode == 0 and "改错练习" in zh.stdout and not (ws / "kl-drill-drill").exists()


@pytest.mark.parametrize("args", [
    [], ["--fix", "k9"], ["--fix", "k3", "--mistake", "kl_ctl_ignored"], ["--check", "--seed", "1"],
    ["--list", "--check"], ["--fix", "k1", "--json"], ["--check"], ["--fix", "k1", "afile"],
], ids=["no-mode", "unknown", "wrong-mistake", "check-seed", "two-modes", "json-without-check", "no-drills",
        "dir-is-a-file"])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "afile").write_text("not a folder")
    proc = kldrill("drill", *args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("kldrill: ") and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # nothing was written


def test_help_and_list_do_not_import_torch() -> None:
    code = ("import sys\nfrom grader.cli.main import cli\n"
            "for args in (['--help'], ['drill', '--help'], ['drill', '--list']):\n"
            "    try:\n        cli(args, standalone_mode=False)\n    except SystemExit:\n        pass\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "k3" in proc.stdout and "kldrill drill --fix EXERCISE" in proc.stdout


def test_drill_messages_exist_in_both_languages() -> None:
    ui = yaml.safe_load((Path(drills.__file__).parent.parent / "data" / "ui.yaml").read_text())
    keys = [k for k in ui if k.startswith("drill_")]
    assert len(keys) > 20
    for key in keys:
        assert ui[key]["en"].strip() and ui[key]["zh"].strip() and ui[key]["zh"] != ui[key]["en"], key


def test_a_damaged_state_file_does_not_stop_a_drill(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert kldrill("init", str(ws)).returncode == 0
    (ws / ".kldrill-state.json").write_text(json.dumps({"drills": ["x"], "drill_turns": {"k1": "two"}}))
    assert kldrill("drill", "--fix", "k1", str(ws)).returncode == 0
    assert _state(ws)["drills"]["k1"]["mistake"] == drills.choose("k1", turn=0).mistake
