"""Small question banks and fixtures shared by the test_quiz_* files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from grader.cli.main import cli


def _text(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


SINGLE = {
    "id": "k3-nonnegative", "topic": "k3", "type": "single", "difficulty": 2,
    "prompt": _text("Can k3 = (r - 1) - log r be negative?", "k3 = (r - 1) - log r 可以为负吗？"),
    "choices": [_text("Yes, for r < 1", "可以，当 r < 1"),
                _text("No, since log x <= x - 1", "不可以，因为 log x <= x - 1"),
                _text("Only when p = q", "仅当 p = q")],
    "answer": "B",
    "explanation": _text("log x <= x - 1 for all x > 0.", "对所有 x > 0 有 log x <= x - 1。"),
    "source": "Schulman 2020, Approximating KL Divergence",
}
MULTI = {
    "id": "unbiased-estimators", "topic": "estimators", "type": "multi", "difficulty": 1,
    "prompt": _text("Which are unbiased for KL(q||p) with x ~ q?", "x ~ q 时，哪些是 KL(q||p) 的无偏估计？"),
    "choices": [_text("k1", "k1"), _text("k2", "k2"), _text("k3", "k3"), _text("none", "都不是")],
    "answer": ["A", "C"],
    "explanation": _text("k1 and k3; k2 is biased.", "k1 和 k3；k2 有偏。"),
    "source": "Schulman 2020, Approximating KL Divergence",
}
NUMERIC = {
    "id": "gaussian-kl", "topic": "k3", "type": "numeric", "difficulty": 2,
    "prompt": _text("KL(N(0.5,1) || N(0,1))?", "KL(N(0.5,1) || N(0,1)) 等于多少？"),
    "answer": 0.125, "tolerance": 0.001,
    "explanation": _text("(0.5)^2 / 2 = 0.125.", "(0.5)^2 / 2 = 0.125。"),
    # A source with prose in it is written in both languages; a list of titles and paths is one string.
    "source": _text("closed form for Gaussians", "高斯分布的闭式解"),
}
OPEN = {
    "id": "k3-why-unbiased", "topic": "estimators", "type": "open", "difficulty": 3,
    "prompt": _text("Why is k3 unbiased?", "为什么 k3 是无偏的？"),
    "answer": _text("Because E_q[r] = 1, so E[r - 1] = 0.", "因为 E_q[r] = 1，所以 E[r - 1] = 0。"),
    "explanation": _text("k3 is k1 plus a zero-mean control variate.",
                         "k3 等于 k1 加一个均值为零的控制变量。"),
    "source": "Schulman 2020, Approximating KL Divergence",
}
K1 = {
    "id": "k1-sign", "topic": "k1", "type": "single", "difficulty": 1,
    "prompt": _text("Can a single k1 sample be negative?", "单个 k1 样本可以为负吗？"),
    "choices": [_text("Yes", "可以"), _text("No", "不可以")],
    "answer": "A",
    "explanation": _text("k1 = -log r takes both signs.", "k1 = -log r 有正有负。"),
    "source": "Schulman 2020, Approximating KL Divergence",
    "exercise": "k1",  # optional: the exercise this question follows up on
}
# The right answer to each question, as a learner would type it.
RIGHT = {"k3-nonnegative": "b", "unbiased-estimators": "c, a", "gaussian-kl": "1.25e-1",
         "k3-why-unbiased": "because E r = 1\ny", "k1-sign": "A"}
WRONG = {"k3-nonnegative": "a", "unbiased-estimators": "a", "gaussian-kl": "0.2",
         "k3-why-unbiased": "no idea\nn", "k1-sign": "B"}


def bank_data() -> dict:
    return {"version": 1, "questions": copy.deepcopy([SINGLE, MULTI, NUMERIC, OPEN, K1])}


def write_bank(path: Path, data: dict | None = None) -> Path:
    path.write_text(yaml.safe_dump(bank_data() if data is None else data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Progress goes to a temporary folder, never the user's."""
    folder = tmp_path / "data"
    monkeypatch.setenv("KLDRILL_DATA_DIR", str(folder))
    monkeypatch.delenv("KLDRILL_LANG", raising=False)
    return folder


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank.yaml")


def run_quiz(*args: str, input: str = "", lang: str | None = "en", env: dict | None = None) -> Result:
    """`kldrill quiz ARGS` in-process, stdin from `input` (not a terminal, as when piped)."""
    extra = [] if lang is None else ["--lang", lang]
    return CliRunner().invoke(cli, ["quiz", *args, *extra], input=input, env=env)


def summary(result: Result) -> dict:
    """The JSON summary: the last line on stdout."""
    return json.loads(result.stdout.rstrip("\n").splitlines()[-1])
