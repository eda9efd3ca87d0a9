"""`kldrill quiz` driven by piped input: scored exactly, in both languages, with every selection option."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.quiz.bank import load_bank
from grader.quiz.session import Result, run_quiz as run_session
from quiz_banks import RIGHT, WRONG, bank, data_dir, run_quiz, summary  # noqa: F401  (fixtures)

ORDER = ["k3-nonnegative", "unbiased-estimators", "gaussian-kl", "k3-why-unbiased", "k1-sign"]
KLDRILL = Path(sys.executable).parent / "kldrill"


def script(*answers: str) -> str:
    return "".join(a + "\n" for a in answers)


# right, wrong, right, right (self-rated), wrong: 3 of 5
MIXED = script(RIGHT["k3-nonnegative"], WRONG["unbiased-estimators"], RIGHT["gaussian-kl"],
               RIGHT["k3-why-unbiased"], WRONG["k1-sign"])
MIXED_SUMMARY = {"asked": 5, "correct": 3, "answers": [
    {"id": "k3-nonnegative", "correct": True}, {"id": "unbiased-estimators", "correct": False},
    {"id": "gaussian-kl", "correct": True}, {"id": "k3-why-unbiased", "correct": True},
    {"id": "k1-sign", "correct": False}]}


def test_scripted_session_in_english_is_scored_exactly(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--ids", ",".join(ORDER), "--json", input=MIXED)
    assert result.exit_code == 0, result.output
    assert summary(result) == MIXED_SUMMARY
    out = result.stdout
    assert "Score: 3/5 (60%)" in out
    assert "✗ Wrong: the answer is A, C." in out and "✓ Right: 0.125 ± 0.001." in out
    assert "Model answer: Because E_q[r] = 1" in out and "Recorded as right." in out
    assert "Source: Schulman 2020" in out and "k1 = -log r takes both signs." in out
    assert "Source: closed form for Gaussians" in out and "高斯" not in out


def test_scripted_session_in_chinese_is_scored_exactly(bank: Path, data_dir: Path) -> None:
    answers = MIXED.replace("because E r = 1\ny\n", "因为 E[r] = 1\n是\n")
    result = run_quiz("--bank", str(bank), "--ids", ",".join(ORDER), "--json", input=answers, lang="zh")
    assert result.exit_code == 0, result.output
    assert summary(result) == MIXED_SUMMARY
    out = result.stdout
    assert "得分：3/5（60%）" in out
    assert "✗ 错误：正确答案是 A, C。" in out and "参考答案：因为 E_q[r] = 1" in out and "已记为答对。" in out
    assert "x ~ q 时，哪些是 KL(q||p) 的无偏估计？" in out and "  D. 都不是" in out
    assert "出处：高斯分布的闭式解" in out and "closed form" not in out  # a bilingual source, in Chinese
    assert "出处：Schulman 2020" in out  # a source of names and titles reads the same in both languages
    assert "Score" not in out and "Right" not in out  # no English left in the learner's view


def test_the_language_follows_the_locale(bank: Path, data_dir: Path) -> None:
    unset = {"LC_ALL": None, "LC_MESSAGES": None}
    zh = run_quiz("--bank", str(bank), "--ids", "k1-sign", input="a\n", lang=None, env={"LANG": "zh_CN.UTF-8", **unset})
    en = run_quiz("--bank", str(bank), "--ids", "k1-sign", input="a\n", lang=None, env={"LANG": "en_GB.UTF-8", **unset})
    assert "得分：1/1（100%）" in zh.stdout
    assert "Score: 1/1 (100%)" in en.stdout


def test_all_right_and_all_wrong(bank: Path, data_dir: Path) -> None:
    right = run_quiz("--bank", str(bank), "--ids", ",".join(ORDER), "--json", input=script(*(RIGHT[i] for i in ORDER)))
    wrong = run_quiz("--bank", str(bank), "--ids", ",".join(ORDER), "--json", input=script(*(WRONG[i] for i in ORDER)))
    assert (summary(right)["correct"], summary(wrong)["correct"]) == (5, 0)
    assert "Score: 5/5 (100%)" in right.stdout and "Score: 0/5 (0%)" in wrong.stdout


def test_the_last_stdout_line_is_exactly_the_json_summary(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--ids", "k1-sign", "--json", input="A\n")
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert json.loads(last) == {"asked": 1, "correct": 1, "answers": [{"id": "k1-sign", "correct": True}]}
    no_json = run_quiz("--bank", str(bank), "--ids", "k1-sign", input="A\n")
    assert "{" not in no_json.stdout.splitlines()[-1]


def test_end_of_input_mid_quiz_gives_the_partial_score(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--ids", ",".join(ORDER), "--json", input="b\nd\n")
    assert result.exit_code == 0, result.output
    assert summary(result) == {"asked": 2, "correct": 0 + 1, "answers": [
        {"id": "k3-nonnegative", "correct": True}, {"id": "unbiased-estimators", "correct": False}]}
    assert "Input ended after 2 of 5 questions." in result.stdout and "Score: 1/2 (50%)" in result.stdout


def test_end_of_input_before_the_self_rating_does_not_count_that_question(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--ids", "k1-sign,k3-why-unbiased", "--json", input="a\nmy answer\n")
    assert summary(result) == {"asked": 1, "correct": 1, "answers": [{"id": "k1-sign", "correct": True}]}


def test_no_input_at_all(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--json", input="")
    assert result.exit_code == 0
    assert summary(result) == {"asked": 0, "correct": 0, "answers": []}
    assert "Score: no question answered." in result.stdout


def test_piped_unreadable_answer_counts_wrong_without_eating_the_next_line(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--ids", "k3-nonnegative,gaussian-kl,k3-why-unbiased,k1-sign", "--json",
                      input="z\neighth\nsomething\nmaybe\na\n")
    assert [a["correct"] for a in summary(result)["answers"]] == [False, False, False, True]
    out = result.stdout
    assert "Z is not a choice (A-C); counted as wrong." in out
    assert "'eighth' is not a number; counted as wrong." in out
    assert "answer y or n; counted as wrong." in out


def test_ids_are_asked_in_the_listed_order(bank: Path, data_dir: Path) -> None:
    order = ["k1-sign", "gaussian-kl", "k3-nonnegative"]
    result = run_quiz("--bank", str(bank), "--ids", " k1-sign, gaussian-kl ,k3-nonnegative", "--json",
                      input="x\nx\nx\n")
    assert [a["id"] for a in summary(result)["answers"]] == order
    positions = [result.stdout.index(f"[{n}/3] {qid}") for n, qid in enumerate(order, start=1)]
    assert positions == sorted(positions)


def test_unknown_id_exits_2_naming_it(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--ids", "k1-sign,no-such-question")
    assert result.exit_code == 2 and "no-such-question" in result.stderr and str(bank) in result.stderr


def _drawn(bank: Path, *args: str) -> list[str]:
    """The ids a quiz asks, in order (every answer an unreadable 'x', so each question is consumed)."""
    result = run_quiz("--bank", str(bank), "--json", *args, input="x\n" * 10)
    assert result.exit_code == 0, result.output
    return [a["id"] for a in summary(result)["answers"]]


def test_seed_makes_the_draw_reproducible(bank: Path, data_dir: Path) -> None:
    first = _drawn(bank, "--seed", "7")
    assert first == _drawn(bank, "--seed", "7")
    assert sorted(first) == sorted(ORDER)  # the default count (10) is capped at the bank's 5
    others = {tuple(_drawn(bank, "--seed", str(s))) for s in range(1, 6)}
    assert others - {tuple(first)}, "different seeds should give different orders"


def test_count_limits_the_draw(bank: Path, data_dir: Path) -> None:
    drawn = _drawn(bank, "--seed", "3", "--count", "2")
    assert len(drawn) == 2 and len(set(drawn)) == 2


def test_topic_filters_and_repeats(bank: Path, data_dir: Path) -> None:
    assert sorted(_drawn(bank, "--topic", "k3")) == ["gaussian-kl", "k3-nonnegative"]
    assert sorted(_drawn(bank, "--topic", "k3", "--topic", "k1")) == ["gaussian-kl", "k1-sign", "k3-nonnegative"]


def test_unknown_topic_exits_2_listing_the_topics(bank: Path, data_dir: Path) -> None:
    result = run_quiz("--bank", str(bank), "--topic", "k4")
    assert result.exit_code == 2
    assert "k4" in result.stderr and "k3, estimators, k1" in result.stderr


@pytest.mark.parametrize("args", [["--ids", "k1-sign", "--topic", "k1"], ["--ids", "k1-sign", "--seed", "1"],
                                  ["--ids", "k1-sign", "--count", "1"], ["--review", "--stats"],
                                  ["--review", "--ids", "k1-sign"], ["--stats", "--count", "3"]])
def test_contradictory_options_exit_2(bank: Path, data_dir: Path, args: list[str]) -> None:
    result = run_quiz("--bank", str(bank), *args)
    assert result.exit_code == 2 and "cannot be combined with" in result.stderr


def test_session_reasks_an_unreadable_answer_at_a_terminal(bank: Path) -> None:
    class Terminal:
        interactive = True

        def __init__(self, lines: list[str]) -> None:
            self.lines, self.out = lines, []

        def read(self, prompt: str) -> str | None:
            self.out.append(prompt)
            return self.lines.pop(0) if self.lines else None

        def write(self, text: str = "") -> None:
            self.out.append(text)

    questions = load_bank(bank).questions
    term = Terminal(["q", "", "ac", "one eighth", "0.125", "words", "perhaps", "n"])
    recorded: list[tuple[str, bool]] = []
    result: Result = run_session([questions[1], questions[2], questions[3]], term, "en",
                                 lambda q, ok: recorded.append((q.id, ok)))
    assert recorded == [("unbiased-estimators", True), ("gaussian-kl", True), ("k3-why-unbiased", False)]
    assert result.summary()["correct"] == 2 and term.lines == []
    text = "\n".join(term.out)
    assert "Q is not a choice (A-D); try again." in text and "no letter given (A-D); try again." in text
    assert "'one eighth' is not a number; try again." in text and "answer y or n; try again." in text


def test_real_command_with_piped_stdin(bank: Path, tmp_path: Path) -> None:
    env = {**os.environ, "KLDRILL_DATA_DIR": str(tmp_path / "data"), "LANG": "zh_CN.UTF-8",
           "PYTHONIOENCODING": "utf-8"}
    env.pop("KLDRILL_LANG", None)
    env.pop("LC_ALL", None)
    proc = subprocess.run([str(KLDRILL), "quiz", "--bank", str(bank), "--ids", ",".join(ORDER), "--json"],
                          input=MIXED.replace("\ny\n", "\n是\n"), capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == MIXED_SUMMARY
    assert "得分：3/5（60%）" in proc.stdout and proc.stderr == ""
    assert (tmp_path / "data" / "progress.sqlite3").is_file()


def test_the_quiz_never_imports_torch(bank: Path, tmp_path: Path) -> None:
    code = (
        "import io, sys\n"
        "from grader.cli.main import cli\n"
        "for args, stdin in ((['quiz', '--help'], ''), (sys.argv[1:], 'b\\nac\\n0.125\\nmine\\ny\\nA\\n'),\n"
        "                    (['quiz', '--stats', '--bank', sys.argv[3]], ''),\n"
        "                    (['quiz', '--review', '--bank', sys.argv[3]], '')):\n"
        "    sys.stdin = io.StringIO(stdin)\n"
        "    try:\n"
        "        cli(args, prog_name='kldrill', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'torch' not in sys.modules, 'the quiz imported torch'\n"
        "print('no torch')\n"
    )
    env = {**os.environ, "KLDRILL_DATA_DIR": str(tmp_path / "data"), "KLDRILL_LANG": "en"}
    proc = subprocess.run([sys.executable, "-c", code, "quiz", "--bank", str(bank), "--ids", ",".join(ORDER)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Score: 5/5 (100%)" in proc.stdout and proc.stdout.rstrip().endswith("no torch")


# ---- Ctrl-C and plurals ------------------------------------------------------------------------

def test_ctrl_c_at_a_prompt_says_interrupted_and_keeps_the_answers_given(bank: Path) -> None:
    class Terminal:
        interactive = True

        def __init__(self) -> None:
            self.out, self.reads = [], 0

        def read(self, prompt: str) -> str | None:
            self.reads += 1
            if self.reads == 2:
                raise KeyboardInterrupt
            return "b"

        def write(self, text: str = "") -> None:
            self.out.append(text)

    questions = load_bank(bank).questions
    recorded: list[str] = []
    term = Terminal()
    try:
        result = run_session(questions[:3], term, "en", lambda q, ok: recorded.append(q.id))
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped the quiz loop")
    assert result.interrupted and result.asked == 1 and recorded == ["k3-nonnegative"]
    text = "\n".join(term.out)
    assert "Interrupted after 1 of 3 questions" in text and "Input ended" not in text
    assert "Score: 1/1 (100%)" in text


def _quiz_at_a_terminal(bank: Path, tmp_path: Path, lang: str) -> tuple[int, str]:
    """Run the real command on a pseudo-terminal; at the second question's prompt, Ctrl-C (SIGINT)."""
    import pty
    import select
    import signal
    import time

    env = {**os.environ, "KLDRILL_DATA_DIR": str(tmp_path / "data"), "KLDRILL_LANG": lang,
           "PYTHONIOENCODING": "utf-8"}
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(KLDRILL), "quiz", "--bank", str(bank), "--ids", ",".join(ORDER)],
                            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen, deadline, answered, sent = b"", time.monotonic() + 90, False, 0.0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        prompts = seen.count("答案".encode() if lang == "zh" else b"Your answer")
        if prompts == 1 and not answered:
            os.write(master, b"b\n")
            answered = True
        elif prompts == 2 and (not sent or time.monotonic() > sent + 3):
            # A person's Ctrl-C comes while input() waits; one sent between the prompt and the read is
            # only noticed at the next signal (CPython), so wait a little first and resend if unheard.
            time.sleep(0.3)
            proc.send_signal(signal.SIGINT)
            sent = time.monotonic()
        if proc.poll() is not None and not ready:
            break
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    os.close(master)
    return code, seen.decode("utf-8", "replace")


@pytest.mark.parametrize("lang,words", [("en", "Interrupted after 1 of 5 questions"),
                                        ("zh", "已中断：共 5 题，回答了 1 题")])
def test_ctrl_c_in_the_real_quiz_exits_130(bank: Path, tmp_path: Path, lang: str, words: str) -> None:
    code, out = _quiz_at_a_terminal(bank, tmp_path, lang)
    assert code == 130, out
    assert words in out and "Input ended" not in out and "Traceback" not in out and "Aborted" not in out


def test_one_question_is_singular_in_english_and_natural_in_chinese(bank: Path, data_dir: Path) -> None:
    one = run_quiz("--bank", str(bank), "--ids", "k1-sign", input="")
    assert "Quiz: 1 question from" in one.stdout and "1 questions" not in one.stdout
    assert "Input ended after 0 of 1 question." in one.stdout
    two = run_quiz("--bank", str(bank), "--ids", "k1-sign,k3-nonnegative", input="")
    assert "Quiz: 2 questions from" in two.stdout and "after 0 of 2 questions." in two.stdout
    zh = run_quiz("--bank", str(bank), "--ids", "k1-sign", lang="zh", input="")
    assert "测验：共 1 题" in zh.stdout
