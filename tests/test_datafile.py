"""kl-drill's YAML data is read through a cache (grader/datafile.py): it must never serve stale or wrong data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from grader import datafile

DATA = Path(datafile.DATA_DIR)


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.yaml")))
def test_every_data_file_reads_as_pyyaml_reads_it(name: str) -> None:
    expected = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert datafile.load(DATA / name) == expected  # the C loader, or the cache it left
    assert datafile.load(DATA / name) == expected  # and again, from the cache


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    source = tmp_path / "table.yaml"
    source.write_text("greeting: {en: hello, zh: 你好}\n", encoding="utf-8")
    assert datafile.load(source) == {"greeting": {"en": "hello", "zh": "你好"}}
    assert (tmp_path / "__pycache__" / "table.yaml.marshal").is_file()
    source.write_text("greeting: {en: hi, zh: 嗨}\n", encoding="utf-8")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a coarse clock cannot hide it
    assert datafile.load(source) == {"greeting": {"en": "hi", "zh": "嗨"}}


def test_a_broken_cache_or_an_unwritable_folder_still_gives_the_data(tmp_path: Path) -> None:
    source = tmp_path / "table.yaml"
    source.write_text("1: one\n", encoding="utf-8")
    datafile.load(source)
    (tmp_path / "__pycache__" / "table.yaml.marshal").write_bytes(b"\x00garbage")
    assert datafile.load(source) == {1: "one"}  # int keys survive, as YAML gives them
    other = tmp_path / "readonly"
    other.mkdir()
    (other / "__pycache__").write_text("a file where the cache folder would go")
    (other / "table.yaml").write_text("a: [1, 2]\n", encoding="utf-8")
    assert datafile.load(other / "table.yaml") == {"a": [1, 2]}
