"""Finding each exercise in a folder whatever its files are called (grader/intake/locate.py), read as data.

Pure tests of the rules; tests/test_folders.py grades such folders end to end.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from grader.intake import locate
from grader.intake.locate import Candidate, assign, defined, walk


def test_top_level_definitions_of_every_kind_are_found() -> None:
    source = b"""
import torch
from helpers import k2          # an import is not a definition (the helper's file is)

def k1(log_p, log_q):
    def k3(x):                   # nested: not top level
        return x
    return log_q - log_p

class AdaptiveKLController:
    pass

grpo_kl = lambda a, b: a - b
exact_kl: object = None
(kl_penalty, [gae, *rest]) = 1, [2, 3, 4]

if __name__ == "__main__":      # not run on import
    def dpo_loss(): ...
"""
    assert set(defined(source)) == {"k1", "AdaptiveKLController", "grpo_kl", "exact_kl", "kl_penalty", "gae", "rest"}


@pytest.mark.parametrize("source", [
    b"def k1(log_p, log_q)\n    return log_q - log_p\n",   # a syntax error
    b"def k1(a, b):\n    return a\x00\n",                  # a NUL byte
    b"x = " + b"(" * 5000 + b")" * 5000 + b"\n",            # nested beyond the parser's limit
    b"x = " + b"a+" * 50_000 + b"a\n",                      # RecursionError building the tree
    b"x = " + b"-" * 50_000 + b"1\n",                       # MemoryError in the parser
    b"# -*- coding: nonsense -*-\ndef k1(a, b): pass\n",     # an unknown encoding
    b"\xff\xfe def k1(a, b): pass\n",                        # not UTF-8
], ids=["syntax", "nul", "nesting", "recursion", "memory", "coding", "bytes"])
def test_what_cannot_be_parsed_defines_nothing_visible(source: bytes) -> None:
    assert defined(source) is None


def test_a_file_over_the_cap_is_not_parsed_at_all() -> None:
    # One-line statements cost the parser ~1 KB each: the cap bounds the judge's time and memory.
    source = b"def k1(a, b): pass\n" + b"a\n" * (locate.MAX_PARSE_BYTES // 2)
    started = time.monotonic()
    assert defined(source) is None
    assert time.monotonic() - started < 0.1
    assert defined(source[:locate.MAX_PARSE_BYTES]) is not None  # just under it: parsed


def test_the_walk_skips_junk_and_goes_shallowest_first(tmp_path: Path) -> None:
    for rel in ["b.py", "a.ipynb", "notes.txt", "Thumbs.db", "desktop.ini", ".DS_Store", ".hidden.py",
                "__MACOSX/._b.py", "__MACOSX/sub/x.py", "__pycache__/b.cpython-311.py", ".ipynb_checkpoints/a-checkpoint.ipynb",
                "sub/deeper/c.py", "sub/a.py", "venv/lib/site.py", "venv/pyvenv.cfg", "node_modules/x.py",
                ".git/hooks/h.py", "Upper.IPYNB"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    found = [p.relative_to(tmp_path).as_posix() for p in walk(tmp_path)]
    assert found == ["Upper.IPYNB", "a.ipynb", "b.py", "sub/a.py", "sub/deeper/c.py"]


def test_the_walk_follows_no_folder_link_and_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "k1.py").write_text("")
    root = tmp_path / "root"
    root.mkdir()
    (root / "linked").symlink_to(outside)
    (root / "file_link.py").symlink_to(outside / "k1.py")  # a file link is yielded: the snapshot refuses it
    assert [p.name for p in walk(root)] == ["file_link.py"]
    for i in range(30):
        (root / f"f{i:02}.py").write_text("")
    monkeypatch.setattr(locate, "MAX_ENTRIES", 10)
    assert len(list(walk(root))) <= 10
    deep = root / "/".join(["d"] * (locate.MAX_DEPTH + 2))
    deep.mkdir(parents=True)
    (deep / "lost.py").write_text("")
    monkeypatch.setattr(locate, "MAX_ENTRIES", 5000)
    assert "lost.py" not in [p.name for p in walk(root)]


def test_an_unlistable_folder_is_passed_over(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root lists every folder")
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "x.py").write_text("")
    (tmp_path / "open.py").write_text("")
    os.chmod(tmp_path / "closed", 0)
    try:
        assert [p.name for p in walk(tmp_path)] == ["open.py"]
    finally:
        os.chmod(tmp_path / "closed", 0o755)


FUNCTIONS = {"k1": "k1", "k2": "k2", "k3": "k3", "adaptive_kl_controller": "AdaptiveKLController"}


def test_the_canonical_file_wins_and_a_helper_copy_is_no_conflict() -> None:
    """A workspace grades as it always did: k3.py holding a copy of k1 as a helper changes nothing."""
    files, refused = assign(FUNCTIONS, {"k1": "k1.py", "k3": "k3.py"}, [
        Candidate("k1.py", "k1.py", {"k1": "k1.py"}, canonical=True),
        Candidate("k3.py", "k3.py", {"k1": "k3.py", "k3": "k3.py"}, canonical=True),
        Candidate("scratch.py", "scratch.py", {"k1": "scratch.py", "k2": "scratch.py"})])
    assert files == {"k1": "k1.py", "k3": "k3.py", "k2": "scratch.py"} and refused == {}


def test_a_helper_inside_another_exercises_file_does_not_compete_with_the_exercises_own() -> None:
    """Issue 24: k1 written in my_k1.py, and a helper k1 inside k3.py (k3's own file): k1 is my_k1.py's, not an
    error naming both; with no other definition, the helper is graded (it is all there is)."""
    own = Candidate("my_k1.py", "my_k1.py", {"k1": "def k1(log_p, log_q): ..."})
    helper = Candidate("k3.py", "k3.py", {"k1": "def k1(x): ...", "k3": "def k3(...): ..."}, canonical=True)
    assert assign(FUNCTIONS, {"k3": "k3.py"}, [helper, own]) == ({"k1": "my_k1.py", "k3": "k3.py"}, {})
    assert assign(FUNCTIONS, {"k3": "k3.py"}, [helper]) == ({"k1": "k3.py", "k3": "k3.py"}, {})


def test_an_exercise_is_found_in_whatever_file_defines_it() -> None:
    files, refused = assign(FUNCTIONS, {}, [
        Candidate("solution.py", "solution.py", {"k1": "solution.py", "k2": "solution.py", "helper": "solution.py"}),
        Candidate("_kldrill_3.py", "hw1-kl.py", {"AdaptiveKLController": "_kldrill_3.py"}),
        Candidate("k3.py", "k3.py", {}, canonical=True)])  # (were it canonical for k3, it would be in canonical)
    assert files == {"k1": "solution.py", "k2": "solution.py", "adaptive_kl_controller": "_kldrill_3.py"}
    assert refused == {}  # k3: defined nowhere, so missing


def test_two_files_defining_one_exercise_are_an_error_naming_both() -> None:
    files, refused = assign(FUNCTIONS, {}, [
        Candidate("a.py", "a.py", {"k1": "a.py", "k2": "a.py"}), Candidate("sub/b.py", "sub/b.py", {"k1": "sub/b.py"}),
        Candidate("_kldrill_2.py", "kl.ipynb", {"k1": "_kldrill_2.py"})])
    assert files == {"k2": "a.py"}
    assert refused == {"k1": ("defined_in_several", {"function": "k1", "count": 3,
                                                     "files": "a.py, sub/b.py, kl.ipynb"})}


def test_the_same_code_in_two_files_is_no_conflict() -> None:
    """A notebook beside its "download as .py": the same definition twice, nothing to choose between."""
    code = b"def k1(log_p, log_q):\n    return log_q - log_p\n"
    same, other = defined(code), defined(code.replace(b"log_q - log_p", b"log_p - log_q"))
    files, refused = assign({"k1": "k1"}, {}, [Candidate("kl.py", "kl.py", same),
                                               Candidate("_kldrill_1.py", "kl.ipynb", dict(same))])
    assert files == {"k1": "kl.py"} and refused == {}
    files, refused = assign({"k1": "k1"}, {}, [Candidate("kl.py", "kl.py", same),
                                               Candidate("_kldrill_1.py", "kl.ipynb", other)])
    assert files == {} and refused["k1"][0] == "defined_in_several"


def test_an_exercise_found_nowhere_is_graded_from_the_first_unparseable_file() -> None:
    """So that the learner reads "SyntaxError (solution.py:3)", not "missing"; a canonical file's syntax
    error stays its own exercise's, as in a workspace."""
    broken = [Candidate("k2.py", "k2.py", None, canonical=True), Candidate("ok.py", "ok.py", {"k1": "ok.py"}),
              Candidate("solution.py", "solution.py", None), Candidate("other.py", "other.py", None)]
    files, refused = assign(FUNCTIONS, {"k2": "k2.py"}, broken)
    assert files == {"k1": "ok.py", "k2": "k2.py", "k3": "solution.py", "adaptive_kl_controller": "solution.py"}
    assert refused == {}
    assert assign(FUNCTIONS, {"k2": "k2.py"}, broken[:2]) == ({"k1": "ok.py", "k2": "k2.py"}, {})


def test_a_file_that_could_not_be_copied_says_why() -> None:
    problem = ("notebook_unreadable", {"path": "kl.ipynb", "reason": "Expecting value"})
    files, refused = assign({"k1": "k1"}, {}, [Candidate(None, "kl.ipynb", problem=problem)])
    assert files == {} and refused == {"k1": problem}


def test_the_snapshot_copies_a_folder_under_importable_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the learner's process imports: every file of the folder, those `import` cannot name (and
    the notebooks, converted) under names of ours, with the learner's names kept for the messages; a
    file that cannot be read is refused alone."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from grader.isolation import snapshot

    root = tmp_path / "student"
    (root / "sub").mkdir(parents=True)
    (root / "hw1-kl.py").write_text("def k1(a, b): pass\n")
    (root / "sub" / "helpers.py").write_text("def k2(a, b): pass\n")
    (root / "secret.py").write_text("def k3(a, b): pass\n")
    nbformat.write(new_notebook(cells=[new_code_cell("def grpo_kl(a, b): pass")]), str(root / "sub" / "kl.ipynb"))
    real_copy = shutil.copyfile

    def copyfile(src, dst):  # noqa: ANN001
        if Path(src).name == "secret.py":
            raise PermissionError(13, "Permission denied")
        return real_copy(src, dst)

    monkeypatch.setattr(snapshot.shutil, "copyfile", copyfile)
    taken = snapshot.take("workspace", root, str(root), {}, tmp_path / "copy")
    assert taken.names == {"k1": "_kldrill_0.py", "k2": "sub/helpers.py", "grpo_kl": "sub/_kldrill_3.py"}
    assert taken.shown == {"_kldrill_0.py": "hw1-kl.py"}
    assert list(taken.notebooks) == ["sub/_kldrill_3.py"] and taken.notebooks["sub/_kldrill_3.py"][0] == "sub/kl.ipynb"
    assert taken.refused["k3"] == ("refused_unreadable", {"file": "secret.py", "reason": "Permission denied"})
    assert (tmp_path / "copy" / "sub" / "helpers.py").read_text() == "def k2(a, b): pass\n"
