"""Students' archives in a batch folder (an LMS download is full of them): unpacked safely, graded as that
student, a row in every export; a hostile archive is that student's zero, saying why, and writes nothing
outside its own folder."""

from __future__ import annotations

import csv
import io
import json
import tarfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from conftest import SOLUTIONS, kldrill
from grader.intake import archives
from grader.intake.archives import ArchiveError, unpack

K1 = (SOLUTIONS / "k1.py").read_text()
WRONG_K1 = "def k1(log_p, log_q):\n    return log_p - log_q\n"


def _zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            z.writestr(info, target)
    return path


def _tar(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            t.addfile(info)
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("make", [_zip, _tar], ids=["zip", "tar.gz"])
def test_regular_files_and_folders_are_unpacked_and_junk_and_links_left_out(tmp_path: Path, make) -> None:  # noqa: ANN001
    suffix = ".zip" if make is _zip else ".tar.gz"
    archive = make(tmp_path / f"a{suffix}", {"hw/sol.py": b"x = 1\n", "__MACOSX/hw/._sol.py": b"junk",
                                             "hw/.DS_Store": b"junk"}, links={"hw/link.py": "/etc/passwd"})
    out = unpack(archive, tmp_path / "out")
    assert _files(tmp_path / "out") == {"hw/sol.py": b"x = 1\n"}
    assert out.left_out == ["hw/link.py"] and not any(p.is_symlink() for p in (tmp_path / "out").rglob("*"))


@pytest.mark.parametrize("name", ["../escape.py", "/abs.py", "hw/../../escape.py", "..\\win.py", "C:/x.py"])
@pytest.mark.parametrize("make", [_zip, _tar], ids=["zip", "tar.gz"])
def test_a_path_out_of_the_folder_refuses_the_archive_and_writes_nothing(tmp_path: Path, make, name: str) -> None:  # noqa: ANN001
    archive = make(tmp_path / ("a.zip" if make is _zip else "a.tar.gz"), {"ok.py": b"x = 1\n", name: b"bad"})
    (tmp_path / "work").mkdir()
    with pytest.raises(ArchiveError) as caught:
        unpack(archive, tmp_path / "work" / "out")
    assert caught.value.key == "archive_escapes"
    assert not (tmp_path / "work" / "out").exists() and list((tmp_path / "work").iterdir()) == []
    assert not (tmp_path / "escape.py").exists() and not Path("/abs.py").exists()


def test_a_zip_bomb_is_refused_before_it_fills_the_disk(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bomb.zip", {"big.py": b"#" * (200 << 20)})
    assert archive.stat().st_size < 1 << 20  # 200 MiB in a few hundred KiB
    with pytest.raises(ArchiveError) as caught:
        unpack(archive, tmp_path / "out")
    assert caught.value.key == "archive_too_big" and not (tmp_path / "out").exists()
    many = _zip(tmp_path / "many.zip", {f"f{i}.py": b"" for i in range(archives.MAX_MEMBERS + 1)})
    with pytest.raises(ArchiveError) as caught:
        unpack(many, tmp_path / "out2")
    assert caught.value.key == "archive_too_many"


def test_a_many_file_bomb_is_capped_on_what_is_decompressed(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(archives, "MAX_TOTAL_BYTES", 1 << 20)
    archive = _tar(tmp_path / "b.tar.gz", {f"f{i}.py": b"#" * (300 << 10) for i in range(10)})
    with pytest.raises(ArchiveError) as caught:
        unpack(archive, tmp_path / "out")
    assert caught.value.key == "archive_too_big"


def test_damaged_and_encrypted_archives_are_one_clear_reason(tmp_path: Path) -> None:
    (tmp_path / "d.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "d.tar.gz").write_bytes(b"\x1f\x8b garbage")
    for name in ("d.zip", "d.tar.gz"):
        with pytest.raises(ArchiveError) as caught:
            unpack(tmp_path / name, tmp_path / f"out-{name}")
        assert caught.value.key == "archive_unreadable"


def test_a_chinese_windows_zip_name_is_read_as_gbk(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "cn.zip", {"KLxxxx.py": b"x = 1\n"})
    gbk = "KL作业.py".encode("gbk")
    assert len(gbk) == len("KLxxxx.py")
    archive.write_bytes(archive.read_bytes().replace(b"KLxxxx.py", gbk))  # no UTF-8 flag, as Windows writes it
    unpack(archive, tmp_path / "out")
    assert _files(tmp_path / "out") == {"KL作业.py": b"x = 1\n"}


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Moodle-style download: archives at the top and inside per-student folders, one hostile, one a bomb."""
    root = tmp_path_factory.mktemp("course") / "week5"
    root.mkdir()
    _zip(root / "alice.zip", {"alice/hw.py": K1.encode()})
    _tar(root / "bob.tar.gz", {"solution.py": WRONG_K1.encode()})
    moodle = root / "Li Na_23456_assignsubmission_file_"
    moodle.mkdir()
    _zip(moodle / "作业.zip", {"KL.py": K1.encode(), "__MACOSX/._KL.py": b"junk"})
    _zip(root / "mallory.zip", {"../../../escape.py": K1.encode(), "k1.py": K1.encode()})
    _zip(root / "zed.zip", {"k1.py": b"#" * (200 << 20)})
    return root


def test_a_batch_grades_each_archive_as_its_student_with_a_row_everywhere(week: Path, tmp_path: Path) -> None:
    csv_path, junit = tmp_path / "grades.csv", tmp_path / "junit.xml"
    proc = kldrill("grade", "--batch", str(week), "-e", "k1", "--json", "--csv", str(csv_path), "--junit-xml",
                   str(junit))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    subs = {Path(s["submission"]).name: s for s in json.loads(proc.stdout)["submissions"]}
    status = {name: s["exercises"][0]["status"] for name, s in subs.items()}
    assert status == {"alice.zip": "passed", "bob.tar.gz": "failed", "Li Na_23456_assignsubmission_file_": "passed",
                      "mallory.zip": "error", "zed.zip": "error"}, status
    assert "leads out of its folder (../../../escape.py)" in subs["mallory.zip"]["exercises"][0]["checks"][0]["message"]
    assert "zip bomb" in subs["zed.zip"]["exercises"][0]["checks"][0]["message"]
    rows = {r["student"]: r for r in csv.DictReader(csv_path.open(encoding="utf-8-sig"))}
    assert set(rows) == {"alice", "bob", "Li Na_23456_assignsubmission_file_", "mallory", "zed"}
    assert rows["alice"]["total"] == "1" and rows["mallory"]["k1_status"] == "error"
    suites = {s.get("name") for s in ET.parse(junit).getroot().iter("testsuite")}
    assert {Path(name).name for name in suites} == set(subs)
    assert not list(week.parent.rglob("escape.py")) and not Path("/escape.py").exists()
    assert not list(Path("/tmp").glob("escape.py"))


def test_a_batch_folder_of_only_archives_is_not_nothing_to_grade(tmp_path: Path) -> None:
    folder = tmp_path / "only"
    folder.mkdir()
    _zip(folder / "carol.zip", {"k1.py": K1.encode()})
    proc = kldrill("grade", "--batch", str(folder), "-e", "k1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "only/carol.zip" in proc.stdout and "passed" in proc.stdout
