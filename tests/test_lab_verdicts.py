"""The lab's verdict words agree with its own legend: |bias/s.e.| up to ~3 is noise, above 5 a real bias, and
in between the verdict says neither "no bias" nor "biased"."""

from __future__ import annotations

import re

import pytest

from conftest import kldrill


@pytest.mark.parametrize("samples", [2000, 10000, 200000])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_verdict_fits_the_band_of_its_bias(samples: int, lang: str) -> None:
    out = kldrill("lab", "--samples", str(samples), "--seed", "0", "--lang", lang).stdout
    words = {"en": ("no bias visible", "perhaps biased", r"biased: mean - true = \S+ = ([-+\d.e]+) s\.e\."),
             "zh": ("看不出偏差", "可能有偏", r"有偏：均值 - 真值 = \S+ = ([-+\d.e]+) 个标准误")}[lang]
    seen = 0
    for line in out.splitlines():
        z = re.search(r"(?:bias|偏差) ([-+][\d.e+-]+) (?:s\.e\.|个标准误)", line)
        if words[0] in line:
            assert abs(float(z.group(1))) <= 3, line
        elif words[1] in line:
            assert 3 < abs(float(z.group(1))) <= 5, line
        elif (sure := re.search(words[2], line)):
            assert abs(float(sure.group(1))) > 5, line
        else:
            continue
        seen += 1
    assert seen == 3, out  # one verdict per estimator


def test_the_grey_zone_is_said_as_such() -> None:
    # 10,000 samples on the note's pair put k2's bias at +4.5 s.e.: once called "no bias visible".
    out = kldrill("lab", "--samples", "10000", "--seed", "0").stdout
    assert "k2: perhaps biased (bias +4.5 s.e.)" in out, out
