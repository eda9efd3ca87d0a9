"""The rollout-correction panel (`kldrill lab --toy-lm --is-weights`, issue 30): exact bias and spread of the
importance weights of is_weights on the toy language model as the rollout policy drifts from the trainer's."""

from __future__ import annotations

import json

import pytest
import torch

from grader.lab import is_lab
from grader.lab.toy_lm import ToyLM, all_sequences, default_models


@pytest.fixture(scope="module")
def result() -> dict:
    return is_lab.run()


def by_drift(result: dict) -> dict[float, dict]:
    return {d["drift"]: d["rows"] for d in result["drifts"]}


def test_the_per_token_scores_give_the_exact_gradient_of_the_objective() -> None:
    """The table's 'true gradient' (sum_y pi(y) R(y) grad log pi(y), from the per-token scores) is autograd's
    gradient of the exact objective sum_y pi(y) R(y)."""
    train, _ = default_models(3)
    seqs = all_sequences(3, 4)
    reward = (seqs == 0).sum(1).double()
    scores = is_lab.token_scores(train, seqs)
    p = train.log_probs(seqs).sum(1).exp()
    ours = (p[:, None] * reward[:, None] * scores.sum(1)).sum(0)
    first, table = train.first.clone().requires_grad_(True), train.table.clone().requires_grad_(True)
    objective = (ToyLM(first, table).log_probs(seqs).sum(1).exp() * reward).sum()
    g_first, g_table = torch.autograd.grad(objective, (first, table))
    assert torch.allclose(ours, torch.cat([g_first, g_table.reshape(-1)]), atol=1e-12, rtol=1e-10)


def test_without_drift_every_weight_is_one_and_every_row_the_same(result: dict) -> None:
    rows = by_drift(result)[0.0]
    assert {round(r["std"], 12) for r in rows.values()} == {round(rows["none"]["std"], 12)}
    assert max(r["bias"] for r in rows.values()) < 1e-12
    assert result["drifts"][0]["kl_rollout_train"] == 0.0


def test_the_sequence_weight_is_unbiased_and_its_variance_explodes(result: dict) -> None:
    drifts = [d["drift"] for d in result["drifts"]]
    rows = by_drift(result)
    assert all(rows[d]["sequence"]["bias"] < 1e-9 for d in drifts)  # the exact correction, at every drift
    stds = [rows[d]["sequence"]["std"] for d in drifts]
    assert stds == sorted(stds) and stds[-1] > 100 * stds[0]
    kls = [d["kl_rollout_train"] for d in result["drifts"]]
    assert kls == sorted(kls) and kls[-1] > 0.5
    for d in drifts[1:]:  # without any correction the gradient is biased as soon as the rollout drifts
        assert rows[d]["none"]["bias"] > 0.05


def test_truncation_trades_a_bias_for_a_bounded_variance(result: dict) -> None:
    rows = by_drift(result)
    base = rows[0.0]["none"]["std"]
    capped = ("token_tis", "sequence_tis", "sequence_mis")
    for drift, r in rows.items():
        for key in capped:
            assert r[key]["std"] <= 1.25 * base, (drift, key)  # bounded whatever the drift
    for drift in (0.5, 1.0, 2.0):
        assert rows[drift]["sequence_tis"]["bias"] > 0.1  # the price: a bias growing with the drift
        rmse = {key: r["rmse"] for key, r in rows[drift].items()}
        assert max(rmse, key=rmse.get) == "sequence"
    for drift in (1.0, 2.0):
        rmse = {key: r["rmse"] for key, r in rows[drift].items()}
        assert min(rmse, key=rmse.get) in capped, (drift, rmse)


def test_the_weights_are_the_reference_is_weights_capped_at_cap() -> None:
    train, _ = default_models(3)
    rollout = is_lab.rollout_model(train, 1.0)
    seqs = all_sequences(3, 4)
    lt, lr = train.log_probs(seqs), rollout.log_probs(seqs)
    w = is_lab._weights(lt, lr, "sequence", "truncate", 2.0)
    assert float(w.max()) == 2.0 and torch.allclose(w[:, 0], (lt - lr).sum(1).exp().clamp(max=2.0))
    masked = is_lab._weights(lt, lr, "sequence", "mask", 2.0)
    assert bool(((masked == 0) | (masked <= 2.0)).all()) and bool((masked == 0).any())
    assert torch.allclose(is_lab._weights(lt, lr, "token", None, 2.0), (lt - lr).exp())


def test_render_is_bilingual(result: dict) -> None:
    en, zh = is_lab.render(result, "en"), is_lab.render(result, "zh")
    assert en.startswith("Rollout correction on the toy LM") and "sequence, truncated at 2" in en
    assert zh.startswith("玩具语言模型上的 rollout 修正") and "序列级，在 2 处截断" in zh
    assert en.count("\n") == zh.count("\n")


def test_the_cli_runs_the_panel_and_refuses_it_alone() -> None:
    from conftest import kldrill

    proc = kldrill("lab", "--toy-lm", "--is-weights", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["lab"] == "is_weights" and doc["rows"][3] == "sequence" and len(doc["drifts"]) == len(is_lab.DRIFTS)
    for args in (["--is-weights"], ["--toy-lm", "--is-weights", "--samples", "10"], ["--dpo", "--is-weights"]):
        proc = kldrill("lab", *args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("kldrill:"), args


def test_the_figure_draws_the_numbers_of_the_table(result: dict, tmp_path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    from grader.lab import is_lab_plot

    fig = is_lab_plot.make_figure(result, "en")
    xs = [d["kl_rollout_train"] for d in result["drifts"]]
    for ax, metric in zip(fig.axes, ("bias", "std", "rmse")):
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert len(lines) == len(result["rows"])
        seq = lines["sequence"]
        assert list(seq.get_xdata()) == xs
        assert list(seq.get_ydata()) == [d["rows"]["sequence"][metric] for d in result["drifts"]]
    assert fig.axes[1].get_yscale() == "log"
    path = tmp_path / "is.png"
    is_lab_plot.save_plot(result, path, "en")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_panel_imports_matplotlib_only_for_plot() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom grader.cli.main import cli\n"
            "try:\n    cli(['lab', '--toy-lm', '--is-weights'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\nprint('ok')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr
