"""The toy-LM lab: its exact numbers agree with enumeration to 1e-9, its sampled ones with the exact
values within five standard errors (issue 16)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest
import torch

from grader.lab import toy_lm

ROOT = Path(__file__).resolve().parent.parent


def reference_exact_kl():
    spec = importlib.util.spec_from_file_location("_toy_ref_exact_kl", ROOT / "solutions" / "exact_kl.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.exact_kl


def test_exact_parts_agree_with_enumeration() -> None:
    policy, ref = toy_lm.default_models(3)
    for length in (1, 2, 3):
        ex = toy_lm.exact(policy, ref, length)
        assert ex["chain_rule_gap"] < 1e-9  # the per-position exact KLs add up to the sequence KL
        if length == 1:  # one position: the sequence KL is exact_kl of the first logits
            want = float(reference_exact_kl()(policy.first, ref.first))
            assert abs(ex["sequence_kl"] - want) < 1e-12
    # The enumeration itself, written out for L = 2 by hand.
    p1, r1 = policy.first.softmax(-1), ref.first.softmax(-1)
    p2, r2 = policy.table.softmax(-1), ref.table.softmax(-1)
    by_hand = sum(float(p1[a] * p2[a, b] * math.log(p1[a] * p2[a, b] / (r1[a] * r2[a, b])))
                  for a in range(3) for b in range(3))
    assert abs(toy_lm.exact(policy, ref, 2)["sequence_kl"] - by_hand) < 1e-12


def test_sampled_k1_and_k3_are_within_five_standard_errors() -> None:
    policy, ref = toy_lm.default_models(3)
    ex, sm = toy_lm.exact(policy, ref, 2), toy_lm.sampled(policy, ref, 2, 100_000, seed=1)
    for name in ("k1", "k3"):  # unbiased per position given the prefix, so per position and summed
        assert abs(sm[name]["sequence"] - ex["sequence_kl"]) < 5 * sm[name]["sequence_se"], name
        for t in range(2):
            assert abs(sm[name]["per_position"][t] - ex["per_position"][t]) < 5 * sm[name]["per_position_se"][t]
    assert abs(sm["k2"]["sequence"] - ex["sequence_kl"]) > 5 * sm["k2"]["sequence_se"]  # biased on this pair


def test_gradient_panel_k1_in_the_reward_is_exact_and_per_token_losses_are_not() -> None:
    policy, ref = toy_lm.default_models(3)
    grads = toy_lm.gradients(policy, ref, 2)
    exact = grads["exact"]
    assert float((grads["k1_reward"] - exact).norm()) < 1e-9  # REINFORCE with the KL return: exact
    assert float(grads["k1_loss"].norm()) < 1e-9  # k1 as a loss: zero expected gradient
    for name in ("k2_loss", "k3_loss"):  # per-token losses miss how earlier tokens change later ones
        assert float((grads[name] - exact).norm()) > 1e-3 * float(exact.norm()), name


def test_one_position_k2_loss_gives_the_reverse_kl_gradient() -> None:
    """L = 1 has no later tokens: there per-token k2 is the exact gradient (facts.md section 2)."""
    policy, ref = toy_lm.default_models(3)
    grads = toy_lm.gradients(policy, ref, 1)
    assert float((grads["k2_loss"] - grads["exact"]).norm()) < 1e-9


def test_render_is_bilingual() -> None:
    result = toy_lm.run(samples=2000)
    assert "sequence" in toy_lm.render(result, "en") and "序列" in toy_lm.render(result, "zh")


def test_dpo_lab_reaches_the_closed_form() -> None:
    from grader.lab import dpo_lab

    result = dpo_lab.run()
    assert result["max_error"] < 1e-6 and abs(sum(result["dpo"]) - 1) < 1e-12
    assert "闭式解" in dpo_lab.render(result, "zh") and "closed form" in dpo_lab.render(result, "en")


def test_dpo_lab_loss_starts_at_log_2_per_pair_and_ends_at_its_exact_minimum() -> None:
    """z = 0 at the reference: each unordered pair's two weights add to 1, so the loss is 3 log 2; the
    minimum is each pair's binary entropy of sigmoid(r_i - r_j), reached at pi* (facts.md section 7)."""
    from grader.lab import dpo_lab

    result = dpo_lab.run()
    r = result["rewards"]
    assert result["pairs"] == 6 and abs(result["losses"][0] - 3 * math.log(2)) < 1e-12

    def entropy(p: float) -> float:
        return -p * math.log(p) - (1 - p) * math.log(1 - p)

    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    minimum = sum(entropy(sig(r[i] - r[j])) for i in range(3) for j in range(i + 1, 3))
    assert abs(result["loss_minimum"] - minimum) < 1e-12
    assert abs(result["losses"][-1] - minimum) < 1e-9 and min(result["losses"]) >= minimum - 1e-12
    lines = dpo_lab.render(result, "en").splitlines()
    assert lines[-1].startswith("dpo_loss summed over the 6 ordered pairs") and f"{minimum:.6f}" in lines[-1]
    assert f"after {len(result['losses']) - 1} L-BFGS steps" in lines[-1]


def test_the_cli_runs_both_toy_labs() -> None:
    import json

    from conftest import kldrill

    proc = kldrill("lab", "--toy-lm", "--samples", "20000", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["exact"]["chain_rule_gap"] < 1e-9 and doc["gradients"]["k1_reward"]["error"] < 1e-9
    proc = kldrill("lab", "--dpo")
    assert proc.returncode == 0 and "closed form" in proc.stdout
    proc = kldrill("lab", "--toy-lm", "--gradients")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


# ---- the figures (--plot): the tables' numbers, drawn ---------------------------------------------------

def _bars(ax) -> list:
    from matplotlib.container import BarContainer

    return [c for c in ax.containers if isinstance(c, BarContainer)]


def _heights(container) -> list[float]:
    return [rect.get_height() for rect in container]


def _half_errors(container) -> list[float]:
    (segments,) = [lc.get_segments() for lc in container.errorbar.lines[2]]
    return [(s[1][1] - s[0][1]) / 2 for s in segments]


def _same(got, want) -> bool:
    return len(got) == len(want) and all(abs(g - w) <= 1e-12 for g, w in zip(got, want))


def _series(ax) -> dict[str, object]:
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


def test_toy_lm_figure_draws_the_numbers_of_the_table() -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    import numpy as np

    from grader.lab import toy_lm_plot

    result = toy_lm.run(samples=20_000, seed=3)
    sm, ex, grads = result["sampled"], result["exact"], result["gradients"]
    fig = toy_lm_plot.make_figure(result, "en")
    per_position, sequence, gradient = fig.axes
    assert fig._suptitle.get_text().startswith("Toy LM (vocabulary 3, length 2)")
    # per position: one bar series per estimator (mean, ± one s.e.), one line for the exact KL given the prefix
    bars = _bars(per_position)
    assert [b.get_label() for b in bars] == ["k1 (mean ± s.e.)", "k2 (mean ± s.e.)", "k3 (mean ± s.e.)"]
    for name, b in zip(("k1", "k2", "k3"), bars):
        assert _same(_heights(b), sm[name]["per_position"]) and _same(_half_errors(b), sm[name]["per_position_se"])
    (exact_line,) = _series(per_position).values()
    y = np.asarray(exact_line.get_ydata(), dtype=float)
    assert _same(list(y[np.isfinite(y)][::2]), ex["per_position"])
    # whole responses: the sums, against the exact sequence KL
    bars = _bars(sequence)
    assert [_heights(b)[0] for b in bars] == [sm[n]["sequence"] for n in ("k1", "k2", "k3")]
    assert [_half_errors(b)[0] for b in bars] == pytest.approx([sm[n]["sequence_se"] for n in ("k1", "k2", "k3")],
                                                               abs=1e-12)
    (seq_line,) = _series(sequence).values()
    assert list(seq_line.get_ydata()) == [ex["sequence_kl"]] * 2 and f"{ex['sequence_kl']:.4f}" in seq_line.get_label()
    # gradients: the exact one as bars, the table's four rows as markers, labelled with the table's errors
    (exact_bars,) = _bars(gradient)
    assert _same(_heights(exact_bars), grads["exact"]["vector"]) and len(grads["exact"]["vector"]) == 3 + 9
    markers = _series(gradient)
    assert list(markers) == [f"{label}: error {grads[key]['error']:.4f}" for key, label in (
        ("k1_loss", "k1 as a loss"), ("k2_loss", "k2 as a loss (per token)"), ("k3_loss", "k3 as a loss (per token)"),
        ("k1_reward", "k1 in the reward, REINFORCE on the return"))]
    for key, line in zip(("k1_loss", "k2_loss", "k3_loss", "k1_reward"), markers.values()):
        assert _same(list(line.get_ydata()), grads[key]["vector"]), key
    assert [t.get_text() for t in gradient.get_xticklabels()] == result["parameters"]
    # the table prints the same numbers
    table = toy_lm.render(result, "en")
    assert f"{sm['k2']['sequence']:.5f} ± {sm['k2']['sequence_se']:.5f}" in table
    assert f"{grads['k3_loss']['error']:.6f}" in table


def test_dpo_figure_draws_the_numbers_of_the_table() -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    from grader.lab import dpo_lab, dpo_plot

    result = dpo_lab.run()
    fig = dpo_plot.make_figure(result, "en")
    loss, policy = fig.axes
    series = _series(loss)
    assert list(series) == ["dpo_loss", f"minimum = {result['loss_minimum']:.6f}"]
    assert list(series["dpo_loss"].get_ydata()) == result["losses"]
    assert list(series["dpo_loss"].get_xdata()) == list(range(len(result["losses"])))
    bars = _bars(policy)
    assert [b.get_label() for b in bars] == ["reference ref", "minimiser of dpo_loss", "closed form π*"]
    assert [_heights(b) for b in bars] == [result["ref"], result["dpo"], result["closed_form"]]
    assert [t.get_text() for t in policy.get_xticklabels()] == ["y0 (r = +1)", "y1 (r = 0)", "y2 (r = -0.5)"]
    assert f"{result['dpo'][0]:.6f}" in dpo_lab.render(result, "en")


@pytest.mark.parametrize("flag,module", [("--toy-lm", "toy_lm_plot"), ("--dpo", "dpo_plot")])
def test_plot_from_the_cli_is_the_run_it_prints_and_never_overwrites(tmp_path: Path, monkeypatch, flag: str,
                                                                     module: str) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    import importlib
    import json

    from click.testing import CliRunner

    from grader.cli.main import cli

    plot_module = importlib.import_module(f"grader.lab.{module}")
    drawn = []
    real = plot_module.make_figure
    monkeypatch.setattr(plot_module, "make_figure", lambda result, lang: drawn.append(result) or real(result, lang))
    extra = ["--samples", "5000"] if flag == "--toy-lm" else []

    def run(*args: str):
        return CliRunner().invoke(cli, ["lab", flag, *extra, *args, "--lang", "en"])

    png, svg = tmp_path / "toy.png", tmp_path / "toy.svg"
    result = run("--plot", str(png), "--json")
    assert result.exit_code == 0, result.stderr
    assert drawn == [json.loads(result.stdout)]  # the figure's numbers are the JSON's, the table's
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and result.stderr == f"plot written to {png}\n"
    assert run("--plot", str(svg)).exit_code == 0
    text = svg.read_text()
    assert text.startswith("<?xml") and "<svg" in text
    # an existing file: one line, exit 2, nothing drawn, the file untouched; --force overwrites it
    png.write_bytes(b"my earlier plot")
    refused = run("--plot", str(png))
    assert refused.exit_code == 2 and refused.stdout == "" and refused.stderr.count("\n") == 1
    assert "exists already" in refused.stderr and "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert png.read_bytes() == b"my earlier plot" and len(drawn) == 2
    forced = run("--plot", str(png), "--force")
    assert forced.exit_code == 0 and png.read_bytes()[:4] == b"\x89PNG" and f"plot written to {png}" in forced.stdout
    for bad, words in ((tmp_path / "x.txt", ".png"), (tmp_path / "no" / "x.png", "no such folder")):
        result = run("--plot", str(bad))
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and words in result.stderr


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # DejaVu Sans stands in for a CJK font
def test_plot_in_chinese_with_and_without_a_cjk_font(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    from click.testing import CliRunner

    from grader.cli.main import cli
    from grader.lab import dpo_lab, dpo_plot, plot, toy_lm_plot

    titles = []
    real = toy_lm_plot.make_figure

    def drawn(result: dict, lang: str):
        fig = real(result, lang)
        titles.append(fig._suptitle.get_text())
        return fig

    monkeypatch.setattr(toy_lm_plot, "make_figure", drawn)
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    result = CliRunner().invoke(cli, ["lab", "--toy-lm", "--samples", "2000", "--plot", str(tmp_path / "a.png"),
                                      "--lang", "zh"])
    assert result.exit_code == 0 and "未找到中文字体" in result.stderr and "玩具语言模型" in result.stdout
    assert titles[-1].startswith("Toy LM")  # English labels rather than boxes
    monkeypatch.setattr(plot, "cjk_font", lambda: "DejaVu Sans")  # stands in for an installed CJK font
    result = CliRunner().invoke(cli, ["lab", "--toy-lm", "--samples", "2000", "--plot", str(tmp_path / "b.png"),
                                      "--lang", "zh"])
    assert result.exit_code == 0 and result.stderr == "" and titles[-1].startswith("玩具语言模型")
    fig = dpo_plot.make_figure(dpo_lab.run(), "zh")
    assert fig._suptitle.get_text().startswith("DPO 玩具实验") and fig.axes[1].get_ylabel() == "概率"


def test_figure_labels_exist_in_both_languages() -> None:
    import re

    import yaml

    table = yaml.safe_load((ROOT / "grader" / "data" / "lab.yaml").read_text(encoding="utf-8"))
    keys = [k for k in table if k.startswith(("toy_", "dpo_"))]
    assert len(keys) > 30
    for key in keys:
        en, zh = table[key]["en"], table[key]["zh"]
        assert en.strip() and re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en), key


def test_the_toy_labs_import_matplotlib_only_for_plot() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom grader.cli.main import cli\n"
            "for args in (['lab', '--toy-lm', '--samples', '1000'], ['lab', '--dpo'], ['lab', '--dpo', '--help']):\n"
            "    try:\n        cli(args, standalone_mode=False)\n    except SystemExit:\n        pass\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\nprint('ok')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr
