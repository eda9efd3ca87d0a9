"""`kldrill quiz`: options in, bank + selection + session + progress out.

Only click and the shared CLI helpers are imported at module level (not even json or pathlib), so
`kldrill quiz --help` costs about what a bare click app does; the quiz's own modules load when a quiz runs.

Exit codes: 0 a quiz ran (whatever the score), or ended early at end of input; 2 bad options or a
malformed bank; 1 the progress database cannot be used (nothing was asked) or an answer could not
be saved (the summary is still printed); 130 interrupted by Ctrl-C (the answers given are saved and
the score is printed).
"""

from __future__ import annotations

import sys

import click

from grader.cli.common import Command, Interrupted, KldrillError, lang_option

# Pairs of options that contradict each other: --ids already says exactly what to ask.
_CONFLICTS = (("--ids", "--topic"), ("--ids", "--count"), ("--ids", "--seed"), ("--ids", "--review"),
              ("--stats", "--review"), ("--stats", "--ids"), ("--stats", "--count"), ("--stats", "--seed"),
              ("--review", "--seed"))


@click.command(cls=Command)
@click.option("--count", "-n", type=click.IntRange(min=1), default=None,
              help="How many questions (default 10; with --review, all that are due).")
@click.option("--topic", "topics", multiple=True, metavar="TOPIC",
              help="Only questions with this topic; repeat for several.")
@click.option("--ids", default=None, metavar="ID,ID,...", help="Exactly these questions, in this order.")
@click.option("--seed", type=int, default=None, help="Seed for a reproducible random draw.")
@click.option("--review", is_flag=True, help="Ask the questions due for review (FSRS spaced repetition).")
@click.option("--stats", is_flag=True, help="Show progress per topic instead of quizzing.")
@click.option("--bank", type=click.Path(dir_okay=False), default=None,
              help="A question bank in the questions.yaml format (default: the built-in bank).")
@click.option("--json", "as_json", is_flag=True, help="End stdout with a one-line JSON summary.")
@lang_option
def quiz(count: int | None, topics: tuple[str, ...], ids: str | None, seed: int | None, review: bool,
         stats: bool, bank: str | None, as_json: bool, lang: str) -> None:
    """Answer questions on the KL maths; answers are saved for spaced review.

    \b
    Answer with a letter (B), letters (A,C or ac), a number (0.125, 1.25e-1, 1/8),
    or, for open questions, a line in your own words and then y/n: did you get it?
    Piped input is read one answer per line; there an unreadable answer counts as wrong.
    Progress is kept in $KLDRILL_DATA_DIR (default: the user data folder).
    """
    from grader.quiz.text import qt

    given = {"--ids": ids is not None, "--topic": bool(topics), "--count": count is not None,
             "--seed": seed is not None, "--review": review, "--stats": stats}
    for first, second in _CONFLICTS:
        if given[first] and given[second]:
            raise KldrillError(qt("option_conflict", lang, first=first, second=second))
    try:
        loaded = _load(bank, lang)
        if stats:
            _show_stats(loaded, topics, as_json, lang)
        else:
            _quiz(loaded, count, topics, ids, seed, review, as_json, lang)
    except KeyboardInterrupt:  # outside a question (the loop itself says how far it got)
        raise Interrupted(lang) from None


def _load(path: str | None, lang: str):  # -> Bank
    from grader.quiz.bank import BankError, load_bank
    from grader.resources import questions_file

    try:
        return load_bank(path or questions_file())
    except BankError as exc:
        raise KldrillError(exc.render(lang)) from None


def _open_store(lang: str):  # -> Store
    from grader.quiz.progress import ProgressError, Store

    try:
        return Store.open()
    except ProgressError as exc:
        raise KldrillError(exc.render(lang), exit_code=1) from None


def _show_stats(bank, topics: tuple[str, ...], as_json: bool, lang: str) -> None:
    import json

    from grader.quiz import progress, stats
    from grader.quiz.selection import SelectionError, in_topics
    from grader.quiz.text import qt

    try:
        in_topics(bank, topics)  # only to reject an unknown topic
    except SelectionError as exc:
        raise KldrillError(qt(exc.problem, lang, **exc.params)) from None
    try:
        exists = progress.database_exists()
    except progress.ProgressError as exc:
        raise KldrillError(exc.render(lang), exit_code=1) from None
    if exists:
        with _open_store(lang) as store:
            rows = store.topic_stats(progress.bank_key(bank.path), bank)
    else:
        rows = progress.empty_stats(bank)  # looking must not create the database
    rows = [row for row in rows if not topics or row.topic in topics]
    click.echo(stats.render(rows, lang))
    if as_json:
        click.echo(json.dumps(stats.as_json(rows), ensure_ascii=False))


def _quiz(bank, count: int | None, topics: tuple[str, ...], ids: str | None, seed: int | None,
          review: bool, as_json: bool, lang: str) -> None:
    import json

    from grader.quiz import progress, selection
    from grader.quiz.session import Result, StreamIO, TerminalIO, run_quiz
    from grader.quiz.text import qt

    try:
        if ids is not None:
            questions = selection.by_ids(bank, selection.parse_ids(ids))
        else:
            pool = selection.in_topics(bank, topics)
    except selection.SelectionError as exc:
        raise KldrillError(qt(exc.problem, lang, **exc.params)) from None
    key = progress.bank_key(bank.path)
    # Opened before the first question: a locked or broken database stops the quiz before any answer
    # is given that could not be saved.
    with _open_store(lang) as store:
        if ids is None and review:
            due = store.due(key, [q.id for q in pool])
            questions = [bank.get(qid) for qid in due][:count]
            if not questions:
                _nothing_due(store, key, pool, as_json, lang)
                return
        elif ids is None:
            questions = selection.draw(pool, count, seed)
        unsaved: list[str] = []

        def record(question, correct: bool) -> None:
            try:
                store.record(key, question.id, question.topic, correct, lang)
            except progress.ProgressError as exc:
                if not unsaved:
                    click.echo(qt("progress_warn_unsaved", lang, reason=exc.render(lang)), err=True)
                unsaved.append(exc.render(lang))

        click.echo(qt("quiz_review_intro" if review else "quiz_intro", lang, count=len(questions),
                      bank=bank.path))
        io = TerminalIO(click.echo) if sys.stdin.isatty() else StreamIO(None, click.echo)
        result: Result = run_quiz(questions, io, lang, record)
    if as_json:
        click.echo(json.dumps(result.summary()))
    if unsaved:
        raise KldrillError(qt("progress_unsaved", lang, count=len(unsaved), reason=unsaved[0]), exit_code=1)
    if result.interrupted:
        raise Interrupted(lang)


def _nothing_due(store, key: str, pool, as_json: bool, lang: str) -> None:
    import json

    from grader.quiz.text import qt

    upcoming = store.next_due(key, [q.id for q in pool])
    if upcoming is None:
        click.echo(qt("review_none_seen", lang))
    else:
        when = upcoming.astimezone().strftime("%Y-%m-%d %H:%M")
        click.echo(qt("review_none_due", lang, when=when))
    if as_json:
        click.echo(json.dumps({"asked": 0, "correct": 0, "answers": []}))
