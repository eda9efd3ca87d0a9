"""`kldrill stats`: retention per exercise, from the closed-book attempts in the progress database."""

from __future__ import annotations

import json

import click

from grader import exercises
from grader.reporting import table
from grader.cli.common import Command, KldrillError, lang_option


@click.command(cls=Command)
@click.option("--json", "as_json", is_flag=True, help="Also print the rows as one line of JSON.")
@lang_option
def stats(as_json: bool, lang: str) -> None:
    """Retention per exercise: attempts, passes, the last rating, FSRS's recall estimate, next due."""
    from grader.practice.text import pt
    from grader.quiz.progress import ProgressError, Store, database_exists

    cards, now = {}, None
    try:
        if database_exists():  # looking must not create the database
            with Store.open() as store:
                cards, now = store.exercise_cards(), store.now()
    except ProgressError as exc:
        raise KldrillError(exc.render(lang), exit_code=1) from None
    rows, doc = [], []
    for name in exercises.names():
        card = cards.get(name)
        if card is None:
            rows.append([name, "0", "0", "-", "-", pt("stats_never", lang)])
            doc.append({"exercise": name, "attempts": 0})
            continue
        recall = "-" if card.retrievability is None else f"{100 * card.retrievability:.0f}%"
        due = pt("due_now", lang) if card.due <= now else card.due.astimezone().strftime("%Y-%m-%d %H:%M")
        rows.append([name, str(card.attempts), str(card.passes),
                     pt(f"rating_{card.last_rating}", lang) if card.last_rating else "-", recall, due])
        doc.append({"exercise": name, "attempts": card.attempts, "passes": card.passes,
                    "last_rating": card.last_rating,
                    "retrievability": None if card.retrievability is None else round(card.retrievability, 4),
                    "due": card.due.isoformat()})
    click.echo(pt("stats_title", lang))
    click.echo(table.render([pt(k, lang) for k in ("col_exercise", "col_sessions", "col_passes", "col_last",
                                                   "col_retention", "col_next_due")], rows))
    click.echo(pt("stats_quiz_hint", lang))
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False))
