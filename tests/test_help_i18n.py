"""`--help` in English or Chinese: every command, every option, chosen by --lang anywhere or the locale."""

from __future__ import annotations

import inspect
import re
from typing import Iterator

import click
import pytest
from click.testing import CliRunner

from grader.cli import help as cli_help
from grader.cli.main import COMMANDS, cli
from grader.cli.common import Command
from grader.reporting.table import width

ZH_LOCALE = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "KLDRILL_LANG": ""}
EN_LOCALE = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "KLDRILL_LANG": ""}


def run(*args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    result = CliRunner().invoke(cli, list(args), env=env or EN_LOCALE, prog_name="kldrill")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def commands() -> Iterator[tuple[list[str], str, click.Command]]:
    """(the words that name it, its key in help.yaml, the command), nested groups included."""
    ctx = click.Context(cli, info_name="kldrill", **cli.context_settings)

    def walk(group: click.Group, path: list[str]) -> Iterator[tuple[list[str], str, click.Command]]:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            yield [*path, name], name, command
            if isinstance(command, click.Group):
                yield from walk(command, [*path, name])

    yield [], "kldrill", cli
    yield from walk(cli, [])


def options(command: click.Command) -> list[click.Option]:
    # Under kldrill's own context: click keeps the first help option it makes, with that context's names (-h).
    ctx = click.Context(command, parent=click.Context(cli, info_name="kldrill", **cli.context_settings))
    return [p for p in command.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]


def test_every_command_and_option_has_its_chinese_help() -> None:
    data = cli_help.data()
    for words, key, command in commands():
        where = " ".join(["kldrill", *words])
        assert isinstance(command, (Command, cli_help.Localized)), f"{where}: use @click.command(cls=Command)"
        assert cli_help.command_help(key, "zh"), f"{where}: no help.zh in grader/data/help.yaml"
        if words:
            assert {"en", "zh"} <= set(data["commands"][key]["summary"]), f"{where}: summary in en and zh"
        for option in options(command):
            assert cli_help.option_help(key, option, "zh"), f"{where} {cli_help.option_key(option)}: no zh help"


def test_no_chinese_help_is_left_for_an_option_or_command_that_is_gone() -> None:
    data = cli_help.data()
    known = {key: command for _, key, command in commands()}
    assert set(data["commands"]) == set(known), "help.yaml's commands are kldrill's commands"
    used = set()
    for key, entry in data["commands"].items():
        names = {cli_help.option_key(o) for o in options(known[key])}
        stale = set(entry.get("options", {})) - names
        assert not stale, f"help.yaml: {key} has no option {sorted(stale)}"
        used |= names
    assert set(data["shared"]) <= used, f"help.yaml: shared options nobody has: {set(data['shared']) - used}"


@pytest.mark.parametrize("words", [w for w, _, _ in commands()], ids=lambda w: " ".join(w) or "kldrill")
def test_chinese_help_is_all_chinese(words: list[str]) -> None:
    key = words[-1] if words else "kldrill"
    command = dict((k, c) for _, k, c in commands())[key]
    out = run(*words, "--help", "--lang", "zh").output
    assert out.startswith("用法：") and "\n选项：\n" in out and "Options:" not in out
    first_line = inspect.cleandoc(cli_help.command_help(key, "zh")).splitlines()[0]
    assert first_line[:12] in out
    flat = "".join(out.split())  # wrapped lines rejoined: Chinese has no spaces to lose
    for option in options(command):
        zh = cli_help.option_help(key, option, "zh")
        assert "".join(zh.split())[:15] in flat, f"{cli_help.option_key(option)}: its zh help is not shown"
        english = " ".join((option.help or "").split())[:25]
        assert not english or english not in " ".join(out.split()), f"English help left: {english!r}"
    for line in out.splitlines():  # laid out by display width: nothing runs past the 80 columns
        assert width(line) <= 80 or " " not in line.strip(), line


def test_the_overview_is_kept_and_translated() -> None:
    en = run("--help").output
    assert "Start:   kldrill init my-kl && cd my-kl" in en and "Theory:  kldrill quiz" in en
    assert re.search(r"\n  grade +Grade a workspace, a \.py file, a notebook or a class\.\n", en)
    assert "Teach:   kldrill grade --batch DIR" in en
    assert "docs/ in kl-drill's source: learner-guide.md" in en and "how-grading-works.md" in en  # the guides
    zh = run("--lang", "zh", "--help").output
    assert "开始：    kldrill init my-kl && cd my-kl" in zh and "理论：    kldrill quiz" in zh
    assert "教学：    kldrill grade --batch DIR" in zh
    assert "命令：" in zh and re.search(r"\n  grade +评测工作区", zh) and "Grade a workspace" not in zh


def test_the_language_comes_from_lang_anywhere_or_the_locale() -> None:
    chinese = "评测一个文件夹（工作区"
    for args in (["grade", "--help", "--lang", "zh"], ["--lang", "zh", "grade", "--help"],
                 ["--lang=zh", "grade", "--help"], ["grade", "--lang=zh", "-h"]):
        assert chinese in run(*args).output, args
    assert chinese in run("grade", "--help", env=ZH_LOCALE).output
    assert chinese not in run("grade", "--help", "--lang", "en", env=ZH_LOCALE).output
    assert chinese not in run("grade", "--help", env={**ZH_LOCALE, "KLDRILL_LANG": "en"}).output
    assert "Usage: kldrill grade" in run("grade", "--help").output


def test_a_lang_before_the_command_sets_the_commands_language() -> None:
    assert "k1 提示 1/3" in run("--lang", "zh", "hint", "k1", "--level", "1").output


def test_a_bad_lang_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["--lang", "fr", "--help"], env=EN_LOCALE)
    assert result.exit_code == 2 and "'fr' is not one of 'en', 'zh'" in result.output
