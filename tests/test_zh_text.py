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
    # kl-drill's own vocabulary and the issue's list
    "token", "tokens", "kl-drill", "kldrill",
    # established in Chinese ML writing, usually left untranslated
    "batch", "padding", "logits", "logit", "prompt", "mask", "critic", "actor", "rollout", "softmax", "autograd",
    "dtype", "numpy", "torch", "matplotlib", "bubblewrap", "Landlock", "shell", "pip", "apt-get", "install", "cd", "epsilon",
    "beta", "gamma", "lam", "rho", "pi", "eps", "inf", "nat", "supp", "bf16", "fp16", "bfloat16", "float16",
    "float32", "float64", "cpu", "meta", "logsumexp", "logsigmoid", "sigmoid", "softplus", "relu", "clamp",
    "gather", "detach", "squeeze", "expm1", "exp", "log", "ln", "sqrt", "abs", "min", "max", "sum", "mean", "std",
    "var", "dim", "keepdim", "item", "long", "diff", "sg", "verl", "chosen", "rejected", "ref", "logr",
    "clip-higher", "off-policy", "on-policy", "testsuite", "testcase", "id", "schema", "Ctrl", "en", "zh",
    "micro-batch", "lm-human-preferences",  # a term kept in Chinese writing; the name of OpenAI's repository
    "schulman",  # the lab's --preset
    "kebab-case",
    # names of people, papers and products
    "Schulman", "Python", "Jupyter", "Bessel", "Jeffreys", "Fisher", "Ziegler", "Liu", "Gradescope", "Monte",
    "Carlo", "Dr", "Adam", "Shao", "Tang", "Munos", "Excel", "zip", "Stein", "dx", "Hugging", "Face", "transformers",
    "Razin", "Pal", "Park", "Meng", "Azar", "Cui", "Ahmadian", "Yao", "Zheng", "Lu", "Gu", "Agarwal", "Ye", "Yuan",
    "Yue", "He", "Zhang", "Gorbatovski", "Thinking", "Machines", "Megatron", "dual-clip", "flash-attn", "Triton",
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
    for path in sorted((ROOT / "grader" / "data" / "exercises").glob("*.yaml")):
        e = yaml.safe_load(path.read_text(encoding="utf-8"))
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


# A title quoted in a Chinese text keeps its language: “Approximating KL Divergence”, 《...》.
_TITLE = re.compile(r"“[^”]*”|《[^》]*》")


def english_words(text: str) -> list[str]:
    """The words of ``text`` that read as English prose rather than code, names, titles or allowed terms."""
    found = []
    for run in CJK.split(CODE.sub(" ", _TITLE.sub(" ", text))):
        if CODE_MARK.search(run):
            continue  # code or a formula
        for word in WORD.findall(run):
            if (len(word) == 1 or word in TERMS or word.lower() in TERMS or word in identifiers()
                    or word.isupper() or any(c.isupper() for c in word[1:])):
                continue
            found.append(word)
    return found


def files() -> list[Path]:
    """Every data file with Chinese text: grader/data/*.yaml, the checks' conventions, the question bank."""
    return [*sorted((ROOT / "grader" / "data").glob("*.yaml")), *sorted((ROOT / "grader" / "data" / "exercises").glob("*.yaml")),
            ROOT / "grader" / "checks" / "conventions.yaml",
            ROOT / "questions.yaml"]


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

    from grader.cli.main import cli

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    zh = CliRunner().invoke(cli, ["init", str(blocker / "ws"), "--lang", "zh"])
    assert zh.exit_code == 2 and "不是文件夹" in zh.output and "Not a directory" not in zh.output
    en = CliRunner().invoke(cli, ["init", str(blocker / "ws"), "--lang", "en"])
    assert en.exit_code == 2 and "Not a directory" in en.output  # English keeps the C library's words


# ---- spacing, terms and sources (issue 28) -----------------------------------------------------------------

# A Chinese character or Chinese punctuation (full-width forms, curly quotes, the ellipsis and the dash).
_CJK_CHAR = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’…—]"
# One space between two of them is a stray space inside Chinese text (a YAML line fold, a typo); a run of two or
# more is a column gap in an aligned layout (help's two columns, the scorecard), which is allowed.
_STRAY_SPACE = re.compile(rf"(?<={_CJK_CHAR})[ \t](?={_CJK_CHAR})")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def stray_spaces(text: str) -> list[str]:
    """The stray spaces of ``text``, each shown with the characters around it."""
    return [text[max(0, m.start() - 6): m.end() + 6] for m in _STRAY_SPACE.finditer(text)]


def stub_files() -> list[Path]:
    return sorted([*EXERCISES.glob("*.py"), *(EXERCISES / "closed_book").glob("*.py")])


def stub_zh(path: Path) -> str:
    """The Chinese of a stub: every line holding a Chinese character (its docstring's Chinese half, the
    Chinese title and the bilingual NotImplementedError message)."""
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if _HAN.search(line))


def stub_en(path: Path) -> str:
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not _HAN.search(line))


# The guides in docs/ (the glossary names the renderings it forbids, so it is not scanned for them).
GUIDES = [p for p in sorted((ROOT / "docs").glob("*.md")) if p.name != "glossary-zh.md"]


def all_zh_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every Chinese text a learner reads: all of grader/data/*.yaml and the question bank
    (bilingual sources included), the stubs' Chinese, and the Chinese lines of the README and the guides in docs/."""
    for path in files():
        yield from zh_strings(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    for path in stub_files():
        yield path.relative_to(ROOT).as_posix(), stub_zh(path)
    for path in [ROOT / "README.md", *GUIDES]:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if _HAN.search(line)]
        yield path.relative_to(ROOT).as_posix(), "\n".join(lines)


def bilingual_pairs(node: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(where, en, zh) for every {en, zh} mapping in a data file."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str) and isinstance(node.get("zh"), str):
            yield where, node["en"], node["zh"]
        for key, value in node.items():
            yield from bilingual_pairs(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from bilingual_pairs(value, f"{where}[{i}]")


def test_the_stray_space_scanner() -> None:
    assert stray_spaces("它的对数 概率是多少") == ["它的对数 概率是多少"]
    assert stray_spaces("0.125， 而短回答") and stray_spaces("和 “k3 方差最小”") and stray_spaces("—— 作为损失")
    assert stray_spaces("KL 惩罚乘以 mask，padding 位置为 0") == []  # spaces beside Latin text are right
    assert stray_spaces("已评测：{attempts} 次  提示：{hints}") == []  # a two-space column gap
    assert stray_spaces("回忆：    kldrill interview") == []


@pytest.mark.parametrize("name", [p.name for p in files()] + ["stubs", "README.md"]
                         + [p.relative_to(ROOT).as_posix() for p in GUIDES])
def test_no_stray_space_between_chinese_characters(name: str) -> None:
    def source(where: str) -> str:
        if where.endswith(".md"):
            return where
        return "stubs" if where.startswith("exercises/") else where.split(".")[0] + ".yaml"
    problems = [f"{where}: {around!r}" for where, text in all_zh_texts() if source(where) == name
                for around in stray_spaces(text)]
    assert not problems, "\n".join(problems)


def glossary() -> list[tuple[str, str, list[str]]]:
    """(English, 中文, forbidden renderings) for each row of docs/glossary-zh.md."""
    rows = []
    for line in (ROOT / "docs" / "glossary-zh.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) == 3 and cells[0] not in ("English", "---"):
            rows.append((cells[0], cells[1], re.findall(r"`([^`]+)`", cells[2])))
    return rows


def test_the_glossary_names_the_terms_the_issue_settled() -> None:
    terms = {english.split(" (")[0]: (zh, banned) for english, zh, banned in glossary()}
    assert terms["clip"][0].startswith("裁剪") and "截断分支" in terms["clip"][1]
    assert terms["truncation"][0] == "截断" and terms["truncation"][1] == []
    assert terms["entropy collapse"] == ("熵坍缩", ["熵塌缩", "熵崩溃", "熵坍塌", "熵崩塌"])
    assert "覆盖质量" in terms["mass-covering"][1] and "寻找众数" in terms["mode-seeking"][1]
    assert terms["select all that apply"][0] == "（多选）" and "（全选）" in terms["select all that apply"][1]
    assert len(glossary()) >= 20


def test_chinese_texts_follow_the_glossary() -> None:
    banned = [(term, zh) for _, zh, terms in glossary() for term in terms]
    problems = [f"{where}: {term!r} (the glossary says {zh})" for where, text in all_zh_texts()
                for term, zh in banned if term in text]
    assert not problems, "\n".join(problems)


def test_truncation_only_where_the_english_says_so() -> None:
    """截断 is truncation; a clip or a clamp is 裁剪 (docs/glossary-zh.md)."""
    problems = []
    for path in files():
        for where, en, zh in bilingual_pairs(yaml.safe_load(path.read_text(encoding="utf-8")), path.name):
            if "截断" in zh and "truncat" not in en.lower():
                problems.append(f"{where}: 截断 in {zh!r}, but the English says {en!r}")
    for path in stub_files():
        if "截断" in stub_zh(path) and "truncat" not in stub_en(path).lower():
            problems.append(f"{path.name}: 截断 in the Chinese, no truncation in the English")
    assert not problems, "\n".join(problems)


# Words a reference legitimately holds in Chinese text: Latin abbreviations of citations and units.
_CITATION_WORDS = {"et", "al", "arXiv", "eq", "eqs", "sec", "v", "docs", "old", "ref", "sp", "sq", "clip"}
_NOT_PROSE = re.compile(r"`[^`]*`|\"[^\"]*\"|https?://\S+|\S*[/\\_.=<>@#{}|^]\S*|\S*\d\S*")


def source_prose(text: str) -> list[str]:
    """The English prose words of a source as the Chinese view shows it: titles (in “” or 《》), paths,
    identifiers, numbers, names (capitalised) and the glossary's kept terms do not count."""
    text = _NOT_PROSE.sub(" ", re.sub(r"[()\[\],;：；，（）]", " ", _TITLE.sub(" ", text)))
    words = re.findall(r"[A-Za-z]+(?:[-'][A-Za-z]+)*", text)
    return [w for w in words if not (len(w) == 1 or w[0].isupper() or w in TERMS or w.lower() in TERMS or w in identifiers()
                                     or w in _CITATION_WORDS)]


def test_the_source_scanner() -> None:
    assert source_prose("derivation: E_q[r] = 1; verified in kl-drill tests/test_question_bank.py") == [
        "derivation", "verified", "in"]
    assert source_prose("Tang, Munos 2025, “On a few pitfalls in KL divergence gradient estimation for RL”, "
                        "arXiv:2506.09477; verl-project/verl 1dda039 verl/trainer/ppo/core_algos.py kl_penalty") == []


def test_sources_shown_in_chinese_hold_no_english_prose() -> None:
    from grader.quiz.bank import load_bank
    bank = load_bank(ROOT / "questions.yaml")
    problems = [f"{q.id}: {words} in {q.source['zh']!r}" for q in bank.questions if (words := source_prose(q.source["zh"]))]
    assert not problems, "\n".join(problems)
    assert not [q.id for q in bank.questions if _HAN.search(q.source["en"])]
