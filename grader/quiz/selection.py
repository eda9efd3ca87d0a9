"""Which questions a quiz asks: a random draw, the listed ids, or the ones due for review."""

from __future__ import annotations

import random
import re
from typing import Iterable, Sequence

from grader.quiz.bank import Bank, Question

DEFAULT_COUNT = 10


class SelectionError(ValueError):
    """The options name no usable questions; `problem` is a key of grader/data/quiz.yaml."""

    def __init__(self, problem: str, **params: object) -> None:
        super().__init__(problem)
        self.problem = problem
        self.params = params


def parse_ids(text: str) -> list[str]:
    """"a,b, c" or "a b c" -> ["a", "b", "c"], in the order given."""
    return [part for part in re.split(r"[\s,，]+", text.strip()) if part]


def by_ids(bank: Bank, ids: Sequence[str]) -> list[Question]:
    """Exactly the listed questions, in the listed order."""
    if not ids:
        raise SelectionError("select_no_ids")
    unknown = [qid for qid in ids if bank.get(qid) is None]
    if unknown:
        raise SelectionError("select_unknown_ids", ids=", ".join(unknown), path=bank.path)
    return [bank.get(qid) for qid in ids]  # type: ignore[misc]


def in_topics(bank: Bank, topics: Iterable[str]) -> list[Question]:
    """The bank's questions in any of `topics` (all of them when no topic is given), in bank order."""
    wanted = list(dict.fromkeys(topics))
    known = bank.topics()
    unknown = [topic for topic in wanted if topic not in known]
    if unknown:
        raise SelectionError("select_unknown_topics", topics=", ".join(unknown), known=", ".join(known))
    return [q for q in bank.questions if not wanted or q.topic in wanted]


def draw(pool: Sequence[Question], count: int | None, seed: int | None) -> list[Question]:
    """`count` questions (all if fewer) in random order; the same seed and pool give the same draw."""
    rng = random.Random(seed)
    return rng.sample(list(pool), min(count or DEFAULT_COUNT, len(pool)))
