"""The kldrill command line: a thin layer over the grader library.

Each command lives in its own module and is imported only when it runs: `kldrill --help` lists the
commands from their summaries in grader/data/help.yaml, so it imports none of them (and no torch).
"""

from __future__ import annotations

import importlib

import click

from grader.cli.common import Interrupted, color_option
from grader.cli.help import Localized, lang_of, summary
from grader.i18n import LANGS

COMMANDS = {
    "init": "grader.cli.commands.init_cmd:init",
    "list": "grader.cli.commands.list_cmd:list_exercises",
    "grade": "grader.cli.commands.grade_cmd:grade",
    "hint": "grader.cli.commands.hint_cmd:hint",
    "reset": "grader.cli.commands.reset_cmd:reset",
    "watch": "grader.cli.commands.watch_cmd:watch",
    "drill": "grader.cli.commands.drill_cmd:drill",
    "quiz": "grader.cli.commands.quiz_cmd:quiz",
    "lab": "grader.cli.commands.lab_cmd:lab",
    "interview": "grader.cli.commands.interview_cmd:interview",
    "review": "grader.cli.commands.review_cmd:review",
    "stats": "grader.cli.commands.stats_cmd:stats",
    "gradescope": "grader.cli.commands.gradescope_cmd:gradescope",
}


class LazyGroup(Localized, click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                return None  # a command whose module is not built yet
            raise
        return getattr(module, attr)

    def invoke(self, ctx: click.Context) -> object:
        # Ctrl-C in any command: our line in the chosen language and exit 130, not click's "Aborted!"
        # and 1 (the status of a failed check). What the command started is ended on the way up.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted(lang_of(ctx)) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, from the summaries in help.yaml: no command module is imported."""
        from grader.cli.help import heading

        lang = lang_of(ctx)
        with formatter.section(heading("commands", lang)):
            formatter.write_dl([(name, summary(name, lang)) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kl-drill", prog_name="kldrill")
@click.option("--lang", type=click.Choice(LANGS), default=None, expose_value=False, is_eager=True,
              help="Language of the output and of the help: en or zh (default: from the locale).")
def cli() -> None:
    """kl-drill: practise and grade the KL maths of GRPO and PPO.

    \b
    Start:   kldrill init my-kl && cd my-kl
    Loop:    edit k1.py ... then `kldrill grade` (or `kldrill watch`)
    Stuck:   kldrill hint (the current exercise) or kldrill hint k3
    Restart: kldrill reset k3 (your file is backed up first)
    Recall:  kldrill interview   (closed book, timed)   Due today:  kldrill review
    Debug:   kldrill drill --fix k3   (repair a planted bug)
    Theory:  kldrill quiz      Numbers:  kldrill lab
    Teach:   kldrill grade --batch DIR   kldrill gradescope autograder.zip
    Guides:  README.md and docs/ in kl-drill's source: learner-guide.md,
             interview-and-drills.md, quiz.md, lab.md, how-grading-works.md,
             instructors.md, speed.md
    """


cli.params.append(color_option())


def main() -> None:
    cli(prog_name="kldrill")


if __name__ == "__main__":
    main()
