"""The Chinese a learner reads holds no English outside code, names and a few established terms.

Every zh string of grader/data/*.yaml and of the question bank is scanned. Allowed as they are: code
(backticks, anything with code's punctuation or digits, identifiers from the exercises and the
reference solutions), option names (--force), command lines (kldrill grade), file
names, formula symbols (single letters, Greek), acronyms and names (all capitals, CamelCase), and the
terms below, which Chinese writing on RL for language models keeps in English.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from conftest import EXERCISES, ROOT, SOLUTIONS

TERMS = {
    # kl-drill's own vocabulary and the list
    "token", "tokens", "kl-drill", "kldrill",
    # established in Chinese ML writing, usually left untranslated
    "batch", "padding", "logits", "logit", "prompt", "mask", "critic", "actor", "rollout", "softmax", "autograd",
    "dtype", "numpy", "torch", "matplotlib", "bubblewrap", "Landlock", "shell", "pip", "apt-get", "install", "cd", "epsilon",
    "beta", "gamma", "lam", "rho", "pi", "eps", "inf", "nat", "supp", "bf16", "fp16", "bfloat16", "float16",
    "float32", "float64", "cpu", "meta", "logsumexp", "logsigmoid", "sigmoid", "softplus", "relu", "clamp",
    "gather", "detach", "squeeze", "expm1", "exp", "log", "ln", "sqrt", "abs", "min", "max", "sum", "mean", "std",
    "var", "dim", "keepdim", "item", "long", "diff", "sg", "verl", "chosen", "rejected", "ref", "logr",
    "clip-higher", "off-policy", "on-policy", "testsuite", "testcase", "id", "schema", "Ctrl", "en", "zh",
    "schulman",  # the lab's --preset
    "kebab-case",
    # names of people, papers and products
    "Schulman", "Python", "Jupyter", "Bessel", "Jeffreys", "Fisher", "Ziegler", "Liu", "Gradescope", "Monte",
    "Carlo", "Dr", "Adam", "Shao", "Tang", "Munos", "Excel", "zip",
}


@lru_cache(maxsize=None)
def identifiers() -> frozenset[str]:
    """Every name in the stubs and the reference solutions (arguments, functions, torch's methods, modes),
    and the question bank's ids and topics."""
    names: set[str] = set()
    for folder in (EXERCISES, EXERCISES / "closed_book", SOLUTIONS):
        for path in folder.glob("*.py"):
            for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
                if tok.type == tokenize.NAME:
                    names.add(tok.string)
                elif tok.type == tokenize.STRING and re.fullmatch(r"[\"'][\w+-]+[\"']", tok.string):
                    names.add(tok.string[1:-1])  # a mode's name: "seq-mean-token-mean", "mse"
    exercises = yaml.safe_load((ROOT / "grader" / "data" / "exercises.yaml").read_text(encoding="utf-8"))
    for e in exercises["exercises"]:
        names |= {e["name"], e["function"], *e["args"]}
    bank = yaml.safe_load((ROOT / "questions.yaml").read_text(encoding="utf-8"))
    names |= {q["id"] for q in bank["questions"]} | {q["topic"] for q in bank["questions"]}  # "见 kl-controller"
    # `if`, `is`, `for`, `return` are English words too; Python's constants are not.
    return frozenset(names - set(keyword.kwlist) | {"True", "False", "None"})


CODE = re.compile(r"`[^`]*`|\{[^}]*\}|(?<![\w-])--?[A-Za-z][\w-]*|\S+\.(?:py|ipynb|yaml|json|csv|xml|png|bak|sqlite3)\b"
                  r"|kldrill(?: [A-Za-z0-9_./-]+)*|(?:cd|apt-get install|pip install) \S+|kl-drill[\w-]*"
                  r"|https?://\S+|\S*[/\\]\S*")
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’…—]+")
# Code's punctuation, digits and the formula symbols: a run holding one is code or maths, not prose.
CODE_MARK = re.compile(r"[\w]*[_()\[\]=<>*+|^~#@$%'\"0-9.:;,]|[\u0370-\u03ff\u2200-\u22ff−·×‖²³±→√∞∑∏ⁱ⁻]")
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def zh_strings(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "zh" and isinstance(value, str):
                yield where, value
            else:
                yield from zh_strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from zh_strings(value, f"{where}[{i}]")


def english_words(text: str) -> list[str]:
    """The words of ``text`` that read as English prose rather than code, names or allowed terms."""
    found = []
    for run in CJK.split(CODE.sub(" ", text)):
        if CODE_MARK.search(run):
            continue  # code or a formula
        for word in WORD.findall(run):
            if (len(word) == 1 or word in TERMS or word.lower() in TERMS or word in identifiers()
                    or word.isupper() or any(c.isupper() for c in word[1:])):
                continue
            found.append(word)
    return found


def files() -> list[Path]:
    return [*sorted((ROOT / "grader" / "data").glob("*.yaml")), ROOT / "questions.yaml"]


@pytest.mark.parametrize("path", files(), ids=lambda p: p.name)
def test_chinese_text_holds_no_english_prose(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [f"{where}: {words} in {text!r}" for where, text in zh_strings(data, path.name)
                if (words := english_words(text))]
    assert not problems, "\n".join(problems)


def test_the_scanner_tells_prose_from_code() -> None:
    assert english_words("请运行 `kldrill grade --force`，再看 k1.py 与 log_p - log_q 的差。") == []
    assert english_words("KL 惩罚乘以 mask，padding 位置为 0（TRL 的 GRPOTrainer）") == []
    assert english_words("该值为 passed，请 try again") == ["passed", "try", "again"]
    assert english_words("（the answer is wrong）") == ["the", "answer", "is", "wrong"]


def test_an_os_error_is_explained_in_the_learners_language(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from grader.cli import cli

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    zh = CliRunner().invoke(cli, ["init", str(blocker / "ws"), "--lang", "zh"])
    assert zh.exit_code == 2 and "不是文件夹" in zh.output and "Not a directory" not in zh.output
    en = CliRunner().invoke(cli, ["init", str(blocker / "ws"), "--lang", "en"])
    assert en.exit_code == 2 and "Not a directory" in en.output  # English keeps the C library's words
