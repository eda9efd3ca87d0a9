"""`kldrill review`: what is due today across exercises and quiz questions, and then doing it."""

from __future__ import annotations

import click

from grader import exercises
from grader.cli.common import Command, KldrillError, lang_option


def due_today(store, bank) -> tuple[list[str], list[str]]:
    """(exercises due, quiz question ids due) now."""
    from grader.quiz import progress

    return (store.exercises_due(exercises.names()),
            store.due(progress.bank_key(bank.path), [q.id for q in bank.questions]))


@click.command(cls=Command)
@click.option("--list", "only_list", is_flag=True, help="Only say what is due; start nothing.")
@click.argument("directory", default="kl-drill-interview", type=click.Path(file_okay=False))
@lang_option
@click.pass_context
def review(ctx: click.Context, only_list: bool, directory: str, lang: str) -> None:
    """Say what is due today (exercises to re-drill closed-book, quiz questions), then start it:
    a mock interview on the due exercises in DIRECTORY, then the due questions."""
    from grader.practice.text import pt
    from grader.quiz.bank import BankError, load_bank
    from grader.quiz.progress import ProgressError, Store, database_exists
    from grader.resources import questions_file

    try:
        bank = load_bank(questions_file())
    except BankError as exc:
        raise KldrillError(exc.render(lang)) from None
    try:
        if not database_exists():  # looking must not create the database
            click.echo(pt("review_nothing_yet", lang))
            return
        with Store.open() as store:
            due_exercises, due_questions = due_today(store, bank)
            upcoming = [c.due for c in store.exercise_cards().values()]
            from grader.quiz import progress

            upcoming.append(store.next_due(progress.bank_key(bank.path), [q.id for q in bank.questions]))
            now = store.now()
    except ProgressError as exc:
        raise KldrillError(exc.render(lang), exit_code=1) from None
    if due_exercises:
        click.echo(pt("review_due_exercises", lang, names=", ".join(due_exercises)))
    if due_questions:
        click.echo(pt("review_due_questions", lang, count=len(due_questions)))
    if not due_exercises and not due_questions:
        # Only what lies ahead: anything due by now was listed above.
        when = min([d for d in upcoming if d is not None and d > now], default=None)
        click.echo(pt("review_nothing", lang, when=when.astimezone().strftime("%Y-%m-%d %H:%M"))
                   if when else pt("review_nothing_yet", lang))
        return
    if only_list:
        return
    from grader.cli.commands.interview_cmd import interview
    from grader.cli.commands.quiz_cmd import quiz

    if due_exercises:
        ctx.invoke(interview, directory=directory, chosen=tuple(due_exercises), count=len(due_exercises),
                   followups=3, seed=None, force=False, as_json=False, lang=lang)
    if due_questions:
        ctx.invoke(quiz, count=None, topics=(), ids=None, seed=None, review=True, stats=False, bank=None,
                   as_json=False, lang=lang)
