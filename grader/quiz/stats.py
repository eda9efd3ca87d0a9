"""`kldrill quiz --stats`: progress per topic as a table, or as JSON."""

from __future__ import annotations

from typing import Sequence

from grader.reporting import table
from grader.quiz.progress import TopicStats
from grader.quiz.text import qt


def render(stats: Sequence[TopicStats], lang: str) -> str:
    headers = [qt(f"stats_{name}", lang) for name in ("topic", "questions", "seen", "answers", "correct",
                                                       "accuracy", "due")]
    rows = [_row(s) for s in stats]
    total = TopicStats(qt("stats_total", lang), *(sum(getattr(s, f) for s in stats)
                                                  for f in ("questions", "seen", "answers", "correct", "due")))
    return table.render(headers, [*rows, _row(total)])


def _row(s: TopicStats) -> list[str]:
    accuracy = "-" if s.accuracy is None else f"{round(100 * s.accuracy)}%"
    return [s.topic, str(s.questions), str(s.seen), str(s.answers), str(s.correct), accuracy, str(s.due)]


def as_json(stats: Sequence[TopicStats]) -> dict:
    return {"topics": [{"topic": s.topic, "questions": s.questions, "seen": s.seen, "answers": s.answers,
                        "correct": s.correct, "due": s.due} for s in stats]}
