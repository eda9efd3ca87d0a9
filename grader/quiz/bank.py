"""Load and validate a question bank (questions.yaml).

The schema (version 1):

    version: 1
    questions:
      - id: k3-nonnegative        # unique, kebab-case
        topic: k3                 # free tag
        type: single              # single | multi | numeric | open
        difficulty: 2             # 1..3
        prompt: {en: ..., zh: ...}
        choices: [{en: ..., zh: ...}, ...]   # single and multi only, 2..26, shown as A, B, C, ...
        answer: B                 # single: a letter; multi: [A, C]; numeric: a number;
                                  # open: optional model answer {en: ..., zh: ...}
        tolerance: 0.001          # numeric only, optional (absolute; default: exact up to rounding)
        explanation: {en: ..., zh: ...}
        source: "..."             # where the answer can be checked: one text for both languages when it
                                  # holds only names, titles and identifiers, else {en: ..., zh: ...}
        exercise: k3              # optional: the exercise (grader/data/exercises.yaml) this question
                                  # follows up on, so a learner can be asked "why" right after the code

For an `open` question the model answer shown after the learner's own answer is `answer` when given,
else the explanation. A numeric answer or tolerance may also be a string such as "1e-3", because
YAML 1.1 (PyYAML) reads an unquoted 1e-3 as text.

Validation stops at the first problem and raises BankError naming the file, the line, the question
and the field: an instructor fixes one thing at a time, and a single message is easy to act on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from grader.exercises import names as exercise_names
from grader.quiz.text import qt

TYPES = ("single", "multi", "numeric", "open")
LANGS = ("en", "zh")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_TOP_FIELDS = ("version", "questions")


class BankError(Exception):
    """A malformed bank. str() is English; render(lang) gives the message in either language."""

    def __init__(self, path: Path, problem: str, *, qid: str | None = None, index: int | None = None,
                 field: str | None = None, line: int | None = None, **params: object) -> None:
        self.path = Path(path)
        self.problem = problem  # a key of grader/data/quiz.yaml
        self.qid = qid
        self.index = index  # 1-based position in `questions`, for questions without a usable id
        self.field = field
        self.line = line
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str) -> str:
        where = str(self.path) if self.line is None else qt("bank_at_line", lang, path=self.path, line=self.line)
        parts = [where]
        if self.qid is not None:
            parts.append(qt("bank_question", lang, id=self.qid))
        elif self.index is not None:
            parts.append(qt("bank_question_n", lang, n=self.index))
        if self.field is not None:
            parts.append(qt("bank_field", lang, field=self.field))
        return qt("bank_error", lang, where=qt("bank_sep", lang).join(parts),
                  problem=qt(self.problem, lang, **self.params))


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    type: str
    difficulty: int
    prompt: Mapping[str, str]
    choices: tuple[Mapping[str, str], ...]
    answer: str | tuple[str, ...] | float | None  # a letter; sorted letters; a number; None (open)
    tolerance: float
    explanation: Mapping[str, str]
    source: Mapping[str, str]  # {en, zh}; a plain-string source in the file is shown in both languages
    model_answer: Mapping[str, str] | None = None  # open questions only
    exercise: str | None = None  # the exercise this question follows up on, if any

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.choices)]


@dataclass(frozen=True)
class Bank:
    path: Path
    questions: tuple[Question, ...]

    def get(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    def for_exercise(self, name: str) -> tuple[Question, ...]:
        """The questions that follow up on exercise `name`, in file order."""
        return tuple(q for q in self.questions if q.exercise == name)

    def topics(self) -> list[str]:
        """Topics in order of first appearance in the file."""
        return list(dict.fromkeys(q.topic for q in self.questions))


class _Problem(Exception):
    """Raised by a field check; load_bank adds the file, the question and the line."""

    def __init__(self, problem: str, *subpath: str | int, **params: object) -> None:
        super().__init__(problem)
        self.problem = problem
        self.subpath = subpath  # below the field: ("zh",), (2, "en"), ...
        self.params = params


# ---- field checks: each returns the normalised value or raises _Problem -------------------------

def _text(value: Any, q: Mapping[str, Any]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Problem("bank_not_text", got=_show(value))
    return value.strip()


def _id(value: Any, q: Mapping[str, Any]) -> str:
    text = _text(value, q)
    if not _KEBAB.match(text):
        raise _Problem("bank_id_format", got=text)
    return text


def _type(value: Any, q: Mapping[str, Any]) -> str:
    if value not in TYPES:
        raise _Problem("bank_type", got=_show(value))
    return value


def _difficulty(value: Any, q: Mapping[str, Any]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
        raise _Problem("bank_difficulty", got=_show(value))
    return value


def _bilingual(value: Any, *subpath: str | int) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Problem("bank_bilingual", *subpath, got=_show(value))
    for key in value:
        if key not in LANGS:
            raise _Problem("bank_lang_unknown", *subpath, str(key), code=key)
    for lang in LANGS:
        text = value.get(lang)
        if text is None:
            raise _Problem("bank_lang_missing", *subpath, lang, code=lang)
        if not isinstance(text, str) or not text.strip():
            raise _Problem("bank_not_text", *subpath, lang, got=_show(text))
    return {lang: value[lang].strip() for lang in LANGS}


def _bilingual_field(value: Any, q: Mapping[str, Any]) -> dict[str, str]:
    return _bilingual(value)


def _source(value: Any, q: Mapping[str, Any]) -> dict[str, str]:
    # References (titles, paths, arXiv ids) read the same in both languages; a source with prose in it
    # (a derivation, what a test checks) is written in both, so the Chinese view shows no English prose.
    if isinstance(value, dict):
        return _bilingual(value)
    text = _text(value, q)
    return {lang: text for lang in LANGS}


def _choices(value: Any, q: Mapping[str, Any]) -> tuple[dict[str, str], ...]:
    if not isinstance(value, list) or not 2 <= len(value) <= len(LETTERS):
        raise _Problem("bank_choices_list", got=_show(value))
    return tuple(_bilingual(choice, i) for i, choice in enumerate(value))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _letter_set(q: Mapping[str, Any]) -> str:
    choices = q.get("choices")
    return LETTERS[: len(choices)] if isinstance(choices, (list, tuple)) else ""


def _answer(value: Any, q: Mapping[str, Any]) -> str | tuple[str, ...] | float | dict[str, str]:
    kind = q["type"]
    letters = _letter_set(q)
    shown = ", ".join(letters)
    if kind == "single":
        if not isinstance(value, str) or value.strip().upper() not in letters or len(value.strip()) != 1:
            raise _Problem("bank_letter", letters=shown, got=_show(value))
        return value.strip().upper()
    if kind == "multi":
        ok = (isinstance(value, list) and value
              and all(isinstance(v, str) and len(v.strip()) == 1 and v.strip().upper() in letters for v in value))
        picked = [v.strip().upper() for v in value] if ok else []
        if not ok or len(set(picked)) != len(picked):
            raise _Problem("bank_letters", letters=shown, got=_show(value))
        return tuple(sorted(picked))
    if kind == "numeric":
        number = _number(value)
        if number is None:
            raise _Problem("bank_number", got=_show(value))
        return number
    if not isinstance(value, dict):
        raise _Problem("bank_open_answer", got=_show(value))
    return _bilingual(value)


def _tolerance(value: Any, q: Mapping[str, Any]) -> float:
    number = _number(value)
    if number is None or number < 0:
        raise _Problem("bank_tolerance", got=_show(value))
    return number


def _exercise(value: Any, q: Mapping[str, Any]) -> str:
    # Checked against the exercise metadata, not a fixed list, so new exercises need no change here.
    known = exercise_names()
    if not isinstance(value, str) or value.strip() not in known:
        raise _Problem("bank_exercise", names=", ".join(known), got=_show(value))
    return value.strip()


@dataclass(frozen=True)
class _Rule:
    name: str
    check: Callable[[Any, Mapping[str, Any]], Any]
    required: frozenset[str]  # the question types that must have this field
    allowed: frozenset[str]  # the types that may have it


_ALL = frozenset(TYPES)
_CHOICE = frozenset(("single", "multi"))
# The order matters: id first so later messages can name the question, type before the fields that
# depend on it, choices before answer (the answer's letters are checked against them).
_RULES = (
    _Rule("id", _id, _ALL, _ALL),
    _Rule("type", _type, _ALL, _ALL),
    _Rule("topic", _text, _ALL, _ALL),
    _Rule("difficulty", _difficulty, _ALL, _ALL),
    _Rule("prompt", _bilingual_field, _ALL, _ALL),
    _Rule("choices", _choices, _CHOICE, _CHOICE),
    _Rule("answer", _answer, frozenset(("single", "multi", "numeric")), _ALL),
    _Rule("tolerance", _tolerance, frozenset(), frozenset(("numeric",))),
    _Rule("explanation", _bilingual_field, _ALL, _ALL),
    _Rule("source", _source, _ALL, _ALL),
    _Rule("exercise", _exercise, frozenset(), _ALL),
)
_FIELD_NAMES = tuple(rule.name for rule in _RULES)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


def _field_label(name: str, subpath: tuple[str | int, ...]) -> str:
    label = name
    for part in subpath:
        label += f"[{LETTERS[part]}]" if isinstance(part, int) else f".{part}"
    return label


# ---- YAML with line numbers -------------------------------------------------------------------

def _parse(path: Path, text: str) -> tuple[Any, yaml.Node | None]:
    # libyaml's parser where PyYAML has it: 30 ms for the built-in bank against 200 ms in pure Python,
    # with the same nodes and line numbers.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BankError(path, "bank_yaml", line=mark.line + 1 if mark else None, reason=reason) from None
    finally:
        loader.dispose()
    return data, node


def _child(node: yaml.Node | None, key: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """(the node to point at, the value node) for a mapping key or a sequence index."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        return next(((k, v) for k, v in node.value if getattr(k, "value", None) == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key], node.value[key]
    return None


def _line(node: yaml.Node | None, *path: str | int) -> int | None:
    """The line of the deepest key along `path` that exists (a missing field: its question's line)."""
    mark = node.start_mark if node is not None else None
    for key in path:
        found = _child(node, key)
        if found is None:
            break
        mark, node = found[0].start_mark, found[1]
    return mark.line + 1 if mark is not None else None


def _duplicate_key(node: yaml.Node | None) -> tuple[str, int] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    seen: set[str] = set()
    for key, _ in node.value:
        if getattr(key, "value", None) in seen:
            return key.value, key.start_mark.line + 1
        seen.add(getattr(key, "value", None))
    return None


# ---- the loader ---------------------------------------------------------------------------------

def load_bank(path: Path) -> Bank:
    """Read and validate a bank; raise BankError (file, line, question id, field) on the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(path, "bank_unreadable", reason=getattr(exc, "strerror", None) or str(exc)) from None
    data, root = _parse(path, text)
    if not isinstance(data, dict):
        raise BankError(path, "bank_not_mapping", line=_line(root))
    dup = _duplicate_key(root)
    if dup:
        raise BankError(path, "bank_duplicate_key", field=dup[0], line=dup[1])
    for key in data:
        if key not in _TOP_FIELDS:
            raise BankError(path, "bank_unknown_field", field=str(key), line=_line(root, key),
                            fields=", ".join(_TOP_FIELDS))
    if "version" not in data:
        raise BankError(path, "bank_missing", field="version", line=_line(root))
    if data["version"] != 1 or isinstance(data["version"], bool):
        raise BankError(path, "bank_version", field="version", line=_line(root, "version"),
                        got=_show(data["version"]))
    items = data.get("questions")
    if not isinstance(items, list) or not items:
        raise BankError(path, "bank_questions_list", field="questions", line=_line(root, "questions"))
    questions_node = (_child(root, "questions") or (None, None))[1]
    questions: list[Question] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(items):
        node = (_child(questions_node, index) or (None, None))[1]
        question = _question(path, raw, index, node)
        if question.id in first_index:
            raise BankError(path, "bank_duplicate_id", qid=question.id, field="id", line=_line(node, "id"),
                            first=first_index[question.id] + 1)
        first_index[question.id] = index
        questions.append(question)
    return Bank(path=path, questions=tuple(questions))


def _question(path: Path, raw: Any, index: int, node: yaml.Node | None) -> Question:
    qid: str | None = None

    def fail(problem: str, field: str | None = None, subpath: tuple[str | int, ...] = (),
             **params: object) -> BankError:
        line = _line(node, *((field,) if field else ()), *subpath)
        label = _field_label(field, subpath) if field else None
        return BankError(path, problem, qid=qid, index=index + 1, field=label, line=line, **params)

    if not isinstance(raw, dict):
        raise fail("bank_question_mapping", got=_show(raw))
    if isinstance(raw.get("id"), str) and _KEBAB.match(raw["id"].strip()):
        qid = raw["id"].strip()  # name the question in every message, even one about an earlier field
    dup = _duplicate_key(node)
    if dup:
        raise fail("bank_duplicate_key", dup[0])
    for key in raw:
        if key not in _FIELD_NAMES:
            raise fail("bank_unknown_field", str(key), fields=", ".join(_FIELD_NAMES))
    values: dict[str, Any] = {}
    for rule in _RULES:
        kind = values.get("type")
        if rule.name not in raw:
            if kind is None or kind in rule.required:
                raise fail("bank_missing", rule.name)
            continue
        if kind is not None and kind not in rule.allowed:
            raise fail("bank_not_for_type", rule.name, type=kind,
                       types=", ".join(t for t in TYPES if t in rule.allowed))
        try:
            values[rule.name] = rule.check(raw[rule.name], {**raw, **values})
        except _Problem as problem:
            raise fail(problem.problem, rule.name, problem.subpath, **problem.params) from None
    answer = values.get("answer")
    return Question(
        id=values["id"], topic=values["topic"], type=values["type"], difficulty=values["difficulty"],
        prompt=values["prompt"], choices=values.get("choices", ()),
        answer=None if values["type"] == "open" else answer,
        tolerance=values.get("tolerance", 0.0), explanation=values["explanation"], source=values["source"],
        model_answer=answer if values["type"] == "open" else None, exercise=values.get("exercise"),
    )
