"""`kldrill lab`: closed forms, Monte-Carlo agreement, the learner's code, Schulman's table, gradients, plot."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grader.cli.main import cli
from grader.lab import gaussians
from grader.lab.gaussians import Gaussian, exact, kl, prob_log_ratio_positive, r_moment_finite

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
SEED_PAIR = (Gaussian(0.5, 1), Gaussian(0, 1))  # (q, p) of the study note


def lab(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["lab", *args, "--lang", "en"], prog_name="kldrill")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def lab_json(*args: str) -> dict:
    result = lab(*args, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1, result.stdout  # exactly one JSON object
    return json.loads(result.stdout)


def by_name(doc: dict) -> dict[str, dict]:
    return {e["name"]: e for e in doc["estimators"]}


# ---- closed forms ------------------------------------------------------------------------------

def test_the_seed_pair_closed_forms() -> None:
    q, p = SEED_PAIR
    assert kl(q, p) == pytest.approx(0.125, abs=1e-15)
    k1, k2, k3 = exact(q, p)
    assert (k1.mean, k1.std) == pytest.approx((0.125, 0.5), abs=1e-14)
    assert (k2.mean, k2.std) == pytest.approx(((0.25 + 0.125**2) / 2, 0.1875), abs=1e-14)  # 0.1328125
    assert k3.mean == pytest.approx(0.125, abs=1e-14)
    assert k3.std == pytest.approx(math.sqrt(math.exp(0.25) - 1.25), abs=1e-14)  # exp(mu²) - 1 - mu², mu = 0.5
    # log r ~ N(-0.125, 0.25): P(log r > 0) = Phi(-0.125 / 0.5)
    assert k1.negative_fraction == pytest.approx(0.5 * math.erfc(0.25 / math.sqrt(2)), abs=1e-14)


@pytest.mark.parametrize("mu", [0.1, 0.5, 1.0, 2.0])
def test_equal_variance_closed_forms_are_facts_section_6(mu: float) -> None:
    k1, k2, k3 = exact(Gaussian(0, 1), Gaussian(mu, 1))
    assert k1.std**2 == pytest.approx(mu**2, rel=1e-12)
    assert k2.std**2 == pytest.approx(mu**4 / 2 + mu**6 / 4, rel=1e-12)
    assert k3.std**2 == pytest.approx(math.exp(mu**2) - 1 - mu**2, rel=1e-10)
    assert k2.mean == pytest.approx((mu**2 + mu**4 / 4) / 2, rel=1e-12)


def test_where_k3_stops_winning() -> None:
    # facts.md §6: at p = N(2, 1) (KL 2), std/true is k1 1.00, k2 2.45, k3 3.52
    k1, k2, k3 = exact(Gaussian(0, 1), Gaussian(2, 1))
    assert [round(e.std / 2, 2) for e in (k1, k2, k3)] == [1.00, 2.45, 3.52]
    # Var(k3) > Var(k1) once KL = mu²/2 > 0.628: just below, k3 still wins; just above, k1 does
    below, above = math.sqrt(2 * 0.62), math.sqrt(2 * 0.64)
    assert exact(Gaussian(0, 1), Gaussian(below, 1))[2].std < below
    assert exact(Gaussian(0, 1), Gaussian(above, 1))[2].std > above


def test_kl_direction_with_unequal_variances() -> None:
    q, p = Gaussian(0, 1), Gaussian(1, 2)
    assert kl(q, p) == pytest.approx(0.4431, abs=1e-4)
    assert kl(p, q) == pytest.approx(1.3069, abs=1e-4)


ESTIMATORS = {"k1": lambda y: -y, "k2": lambda y: y * y / 2, "k3": lambda y: math.expm1(y) - y}


def _quadrature(q: Gaussian, p: Gaussian, f, n: int = 200_001) -> float:
    """E_q[f(log r)] by the trapezoid rule (independent of the moment algebra).

    The range is wide because with sp > sq, k3² q ~ p²/q decays far more slowly than q.
    """
    lo, hi = q.mean - 30 * max(q.std, p.std), q.mean + 30 * max(q.std, p.std)
    h = (hi - lo) / (n - 1)
    total = 0.0
    for i in range(n):
        x = lo + i * h
        log_q = -0.5 * ((x - q.mean) / q.std) ** 2 - math.log(q.std) - 0.5 * math.log(2 * math.pi)
        log_p = -0.5 * ((x - p.mean) / p.std) ** 2 - math.log(p.std) - 0.5 * math.log(2 * math.pi)
        w = 0.5 if i in (0, n - 1) else 1.0
        total += w * math.exp(log_q) * f(log_p - log_q)
    return total * h


@pytest.mark.parametrize("q,p", [(Gaussian(0.3, 1.2), Gaussian(-0.2, 1.0)),   # p lighter-tailed
                                 (Gaussian(0.0, 1.0), Gaussian(0.7, 1.3))])   # sp² < 2 sq²: Var(k3) finite
def test_unequal_variance_closed_forms_against_quadrature(q: Gaussian, p: Gaussian) -> None:
    for ex in exact(q, p):
        f = ESTIMATORS[ex.name]
        mean = _quadrature(q, p, f)
        var = _quadrature(q, p, lambda y: (f(y) - mean) ** 2)
        assert ex.mean == pytest.approx(mean, rel=1e-7), ex.name
        assert ex.std == pytest.approx(math.sqrt(var), rel=1e-6), ex.name
    assert prob_log_ratio_positive(q, p) == pytest.approx(_quadrature(q, p, lambda y: float(y > 0)), abs=1e-4)
    assert exact(q, p)[0].mean == pytest.approx(kl(q, p), rel=1e-12)


def test_k3_variance_is_finite_exactly_when_sp2_below_2_sq2() -> None:
    q = Gaussian(0, 1)
    assert r_moment_finite(q, Gaussian(0, math.sqrt(2) * 0.999), 2)
    assert not r_moment_finite(q, Gaussian(0, math.sqrt(2)), 2)
    assert not r_moment_finite(q, Gaussian(0, 2), 2)
    assert math.isinf(exact(q, Gaussian(1, 2))[2].std)
    assert r_moment_finite(q, Gaussian(0, 0.3), 2)  # lighter tails: always finite


@pytest.mark.parametrize("text,key", [("0,-1", "std_not_positive"), ("0,0", "std_not_positive"),
                                      ("abc", "format"), ("1", "format"), ("1,2,3", "format"),
                                      ("inf,1", "not_finite")])
def test_bad_gaussians(text: str, key: str) -> None:
    with pytest.raises(gaussians.GaussianError) as info:
        gaussians.parse_gaussian(text)
    assert info.value.key == key


# ---- Monte Carlo against the closed forms ------------------------------------------------------

PAIRS = [("0.5,1", "0,1"), ("0,1", "0.1,1"), ("0,1", "1,1"), ("0.3,1.2", "-0.2,1")]  # (q, p)


@pytest.mark.parametrize("q_text,p_text", PAIRS)
def test_json_agrees_with_closed_forms(q_text: str, p_text: str) -> None:
    n = 200_000
    doc = lab_json("--q", q_text, "--p", p_text, "--samples", str(n), "--seed", "3")
    assert {"p", "q", "samples", "true_kl", "estimators"} <= set(doc)
    q, p = gaussians.parse_gaussian(q_text), gaussians.parse_gaussian(p_text)
    assert doc["p"] == {"mean": p.mean, "std": p.std} and doc["q"] == {"mean": q.mean, "std": q.std}
    assert doc["samples"] == n and doc["true_kl"] == pytest.approx(kl(q, p), rel=1e-12)
    assert [e["name"] for e in doc["estimators"]] == ["k1", "k2", "k3"]
    rows = by_name(doc)
    for ex in exact(q, p):
        row = rows[ex.name]
        assert {"name", "mean", "std", "bias", "negative_fraction"} <= set(row)
        assert row["sem"] == pytest.approx(row["std"] / math.sqrt(n))
        assert row["bias"] == pytest.approx(row["mean"] - doc["true_kl"], abs=1e-15)
        assert abs(row["mean"] - ex.mean) < 5 * row["sem"], ex.name
        # the sample std's own error: sd(s²) = sqrt((mu4 - sigma⁴)/n), sd(s) ≈ sd(s²)/(2 sigma)
        f = ESTIMATORS[ex.name]
        mu4 = _quadrature(q, p, lambda y: (f(y) - ex.mean) ** 4, n=20_001)
        sd_std = math.sqrt(max(mu4 - ex.std**4, 0) / n) / (2 * ex.std)
        assert abs(row["std"] - ex.std) < 5 * sd_std, (ex.name, row["std"], ex.std, sd_std)
    assert abs(rows["k1"]["mean"] - doc["true_kl"]) < 5 * rows["k1"]["sem"]  # unbiased
    assert abs(rows["k3"]["mean"] - doc["true_kl"]) < 5 * rows["k3"]["sem"]  # unbiased
    assert rows["k2"]["negative_fraction"] == 0 and rows["k3"]["negative_fraction"] == 0
    pr = prob_log_ratio_positive(q, p)
    assert abs(rows["k1"]["negative_fraction"] - pr) < 5 * math.sqrt(pr * (1 - pr) / n)


def test_k2_bias_on_the_seed_pair_is_real_and_as_predicted() -> None:
    rows = by_name(lab_json("--samples", "400000"))
    k2 = rows["k2"]
    assert abs(k2["mean"] - 0.1328125) < 5 * k2["sem"]
    assert k2["bias"] / k2["sem"] > 10  # the bias (+0.0078) is far outside the noise at this N
    assert k2["exact_mean"] == pytest.approx(0.1328125)


def test_the_text_table() -> None:
    out = lab("--samples", "100000").stdout
    assert "true KL(q‖p) = 0.125" in out
    assert "x ~ q = N(0.5, 1), p = N(0, 1), 100,000 samples, seed 0" in out
    for column in ("mean", "± s.e.", "bias", "bias/s.e.", "bias/true", "std", "std/true", "P(<0)"):
        assert column in out
    assert "k2: biased" in out and "k1: no bias visible" in out and "k3: no bias visible" in out
    assert "warning" not in out
    zh = CliRunner().invoke(cli, ["lab", "--samples", "1000", "--lang", "zh"]).stdout
    assert "真实 KL(q‖p) = 0.125" in zh and "标准误" in zh


def test_same_seed_same_output_and_another_seed_differs() -> None:
    first = lab("--samples", "50000", "--seed", "7", "--json").stdout
    assert lab("--samples", "50000", "--seed", "7", "--json").stdout == first
    assert lab("--samples", "50000", "--seed", "8", "--json").stdout != first


def test_heavy_tailed_p_warns_about_k3_and_keeps_the_kl_direction() -> None:
    result = lab("--q", "0,1", "--p", "1,2", "--samples", "200000")
    assert "Var(k3) is infinite" in result.stdout and "not meaningful" in result.stdout
    rows = by_name(lab_json("--q", "0,1", "--p", "1,2", "--samples", "200000"))
    assert abs(rows["k1"]["mean"] - 0.4431) < 5 * rows["k1"]["sem"]  # KL(q‖p), not KL(p‖q) = 1.307
    assert rows["k3"]["exact_std"] is None  # infinite: JSON has no inf
    assert "E[k3⁴] is not" in lab("--q", "0,1", "--p", "0,1.25", "--samples", "1000").stdout
    assert "warning" not in lab("--q", "0,1", "--p", "0,0.8", "--samples", "1000").stdout


# ---- the learner's code ------------------------------------------------------------------------

WRONG_K2 = """
import torch

def k1(log_p, log_q):
    return log_q - log_p

def k2(log_p, log_q):
    return (log_p - log_q) ** 2          # forgot the 1/2

def k3(log_p, log_q):
    return (torch.exp(log_p - log_q) - 1 - (log_p - log_q)).detach()   # no gradient flows
"""


def test_impl_with_the_reference_equals_the_reference() -> None:
    ref = by_name(lab_json("--samples", "100000"))
    mine = lab_json("--samples", "100000", "--impl", str(SOLUTIONS))
    assert mine["impl"] == str(SOLUTIONS)
    for name, row in by_name(mine).items():
        for key in ("mean", "std", "bias", "negative_fraction"):
            assert row[key] == pytest.approx(ref[name][key], rel=1e-12, abs=1e-15), (name, key)


def test_impl_wrong_and_missing_functions(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text(WRONG_K2 + "\ndel k3\n")
    doc = lab_json("--samples", "100000", "--impl", str(path))
    rows = by_name(doc)
    assert abs(rows["k2"]["mean"] - 2 * 0.1328125) < 5 * rows["k2"]["sem"]  # the doubled mean
    assert abs(rows["k1"]["mean"] - 0.125) < 5 * rows["k1"]["sem"]
    assert rows["k3"]["mean"] is None and "not defined" in rows["k3"]["error"]
    out = lab("--samples", "100000", "--impl", str(path))
    assert out.exit_code == 0
    assert "k3: not evaluated: k3() is not defined there" in out.stdout
    assert "k2: mean 0.26" in out.stdout and "(2.0" in out.stdout and "not the k2" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_impl_reductions_and_exceptions_are_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text("def k1(log_p, log_q):\n    return (log_q - log_p).mean()\n"
                    "def k2(log_p, log_q):\n    raise ValueError('not today')\n"
                    "def k3(log_p, log_q):\n    return log_q - log_p\n")
    out = lab("--samples", "1000", "--impl", str(path)).stdout
    assert "k1: not evaluated: k1() returned shape () for inputs of shape (1000,)" in out
    assert "k2: not evaluated: it raised ValueError: not today" in out
    # k1's formula under k3's name has the right mean; its negative values give it away
    assert "k3: no bias visible" in out
    assert "of the values are negative, but k3 is never negative: this is not the k3" in out
    assert "Traceback" not in out


def test_impl_that_cannot_be_used_exits_2_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def k1(log_p, log_q)\n    return 0\n")
    result = lab("--samples", "1000", "--impl", str(broken))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "SyntaxError" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_impl_timeout_is_an_option(tmp_path: Path) -> None:
    slow = tmp_path / "slow.py"
    slow.write_text((SOLUTIONS / "k1.py").read_text().replace("def k1(", "def _k1(")
                    + "\n\ndef k1(*args, **kwargs):\n    import time\n    time.sleep(2)\n    return _k1(*args, **kwargs)\n"
                    + (SOLUTIONS / "k3.py").read_text())
    doc = lab_json("--impl", str(slow), "--samples", "1000", "--timeout", "0.5")
    rows = by_name(doc)
    assert "timed out after 0.5 s" in json.dumps(rows["k1"]), rows["k1"]
    assert rows["k3"].get("error") is None and rows["k3"]["mean"] == pytest.approx(0.125, abs=0.05)


def test_impl_gradients_find_the_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text(WRONG_K2)
    doc = lab_json("--gradients", "--impl", str(path))
    rows = {(r["name"], r["use"]): r for r in doc["rows"]}
    assert rows[("k1", "loss")]["matches"] == "zero"
    assert rows[("k2", "loss")]["matches"] is None  # twice the reverse-KL gradient
    assert rows[("k3", "loss")]["error"] and "gradient" in rows[("k3", "loss")]["error"]
    assert rows[("k1", "reward")]["matches"] == "reverse"
    out = lab("--gradients", "--impl", str(path)).stdout
    assert "(expected ∇KL(π‖ref): check your k2)" in out


# ---- Schulman's table --------------------------------------------------------------------------

def _printed_agree(value: float, printed: str) -> bool:
    """value agrees with a number printed as `printed` to its precision (half a unit of the last digit)."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(value - float(printed)) <= 0.5 * 10 ** -decimals + 1e-12


def test_schulman_preset_matches_the_published_values() -> None:
    doc = lab_json("--preset", "schulman", "--samples", "1000000")
    assert doc["preset"] == "schulman" and len(doc["pairs"]) == 2
    for pair, mu, true in zip(doc["pairs"], (0.1, 1.0), (0.005, 0.5)):
        assert pair["q"] == {"mean": 0.0, "std": 1.0} and pair["p"] == {"mean": mu, "std": 1.0}
        assert pair["true_kl"] == pytest.approx(true, rel=1e-12)
        for name, row in by_name(pair).items():
            published = pair["published"][name]
            # the closed forms give his printed numbers
            exact_bias = (row["exact_mean"] - true) / true
            assert _printed_agree(exact_bias, published["bias_over_true"]), (mu, name, exact_bias)
            assert _printed_agree(row["exact_std"] / true, published["std_over_true"]), (mu, name)
            # and so does this run, within its own Monte-Carlo error
            assert _printed_agree(row["std_over_true"], published["std_over_true"]), (mu, name)
            assert abs(row["mean"] - row["exact_mean"]) < 5 * row["sem"], (mu, name)
    assert doc["pairs"][0]["published"] == {"k1": {"bias_over_true": "0", "std_over_true": "20"},
                                            "k2": {"bias_over_true": "0.002", "std_over_true": "1.42"},
                                            "k3": {"bias_over_true": "0", "std_over_true": "1.42"}}
    assert doc["pairs"][1]["published"] == {"k1": {"bias_over_true": "0", "std_over_true": "2"},
                                            "k2": {"bias_over_true": "0.25", "std_over_true": "1.73"},
                                            "k3": {"bias_over_true": "0", "std_over_true": "1.7"}}


def test_schulman_preset_text() -> None:
    out = lab("--preset", "schulman", "--samples", "20000").stdout
    assert "p = N(0.1, 1), true KL(q‖p) = 0.005" in out and "p = N(1, 1), true KL(q‖p) = 0.5" in out
    assert "Schulman's code sets p = N(0,1), q = N(0.1,1)" in out and "harmless" in out
    assert "Var(k3) = exp(μ²) - 1 - μ²" in out


# ---- gradients ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed,outcomes", [(0, 5), (1, 4), (2, 6)])
def test_gradient_identities(seed: int, outcomes: int) -> None:
    import torch

    from grader.lab.gradients import policy, run_gradients

    result = run_gradients(seed=seed, outcomes=outcomes)
    theta, log_ref = policy(outcomes, seed)
    pi, ref = theta.softmax(0), log_ref.exp()
    # independent closed forms for softmax logits: d KL(pi‖ref)/d theta = pi (log(pi/ref) - KL), d KL(ref‖pi) = pi - ref
    reverse = pi * (pi.log() - log_ref - (pi * (pi.log() - log_ref)).sum())
    torch.testing.assert_close(result.targets["reverse"], reverse, atol=1e-12, rtol=0)
    torch.testing.assert_close(result.targets["forward"], pi - ref, atol=1e-12, rtol=0)
    rows = {(r.name, r.use): r for r in result.rows}
    assert rows[("k1", "loss")].distances["zero"] < 1e-6
    assert rows[("k2", "loss")].distances["reverse"] < 1e-6
    assert rows[("k3", "loss")].distances["forward"] < 1e-6
    assert rows[("k1", "reward")].distances["reverse"] < 1e-6
    assert rows[("k3", "reward")].matches is None  # a detached k3 reward is biased
    # the targets differ, so a match says something
    assert min((reverse - (pi - ref)).abs().max(), reverse.abs().max(), (pi - ref).abs().max()) > 1e-3


def test_gradients_panel() -> None:
    out = lab("--gradients").stdout
    assert "k1 as a loss: E[∇θ] = 0" in out
    assert "k2 as a loss: E[∇θ] = ∇KL(π‖ref)" in out
    assert "k3 as a loss: E[∇θ] = ∇KL(ref‖π)" in out
    assert "sg(k1) as a reward: E[∇θ] = ∇KL(π‖ref)" in out
    assert "check your" not in out
    # Issue #13: k2's gradient is a per-token fact, and k2's mean only approximates the reverse KL.
    assert "k2 as a loss: E[∇θ] = ∇KL(π‖ref) — per token," in out
    assert "k2's mean only approximates it" in out and "the one k1, k2, k3 estimate" not in out
    assert "over whole responses too when the return sums the later tokens' KL" in out


# ---- the plot ----------------------------------------------------------------------------------

def test_plot(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    path = tmp_path / "lab.png"
    path.write_bytes(b"my earlier plot")
    refused = lab("--samples", "20000", "--plot", str(path))
    assert refused.exit_code == 2 and refused.stdout == "" and refused.stderr.count("\n") == 1
    assert "exists already" in refused.stderr and "--force" in refused.stderr
    assert path.read_bytes() == b"my earlier plot"
    result = lab("--samples", "20000", "--plot", str(path), "--force")
    assert result.exit_code == 0, result.stderr
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000
    assert f"plot written to {path}" in result.stdout


def test_plot_in_chinese_falls_back_to_english_without_a_cjk_font(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    from grader.lab import plot
    from grader.lab.estimate import run_lab

    used = []
    real = plot.make_figure
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    monkeypatch.setattr(plot, "make_figure", lambda result, lang: used.append(lang) or real(result, lang))
    result = run_lab(*SEED_PAIR, samples=5000, keep_values=True)
    notes = plot.save_plot(result, tmp_path / "zh.png", lang="zh")
    assert used == ["en"] and [n.key for n in notes] == ["no_cjk_font"]
    assert (tmp_path / "zh.png").read_bytes()[:4] == b"\x89PNG"
    fig = real(result, "en")
    assert fig._suptitle.get_text().startswith("Monte-Carlo KL estimators")


def test_plot_without_matplotlib_is_one_line(monkeypatch, tmp_path: Path) -> None:
    from grader.lab import plot

    monkeypatch.setattr(plot, "matplotlib_available", lambda: False)
    result = lab("--plot", str(tmp_path / "x.png"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "matplotlib" in result.stderr


# ---- errors and start-up -----------------------------------------------------------------------

@pytest.mark.parametrize("args,words", [
    (["--p", "0,-1"], "std must be > 0"), (["--p", "abc"], "not MEAN,STD"), (["--q", "1;2"], "not MEAN,STD"),
    (["--samples", "0"], "--samples"), (["--samples", "many"], "--samples"), (["--samples", "1e9"], "10,000,000"),
    (["--seed", "-1"], "--seed"), (["--seed", str(2**64)], "--seed"),
    (["--impl", "/no/such/path"], "no such file or folder"), (["--preset", "nope"], "schulman"),
    (["--preset", "schulman", "--p", "1,1"], "cannot be combined"), (["--gradients", "--plot", "x.png"], "cannot"),
    (["--plot", "out.txt"], ".png"), (["--plot", "/no/such/dir/x.png"], "no such folder"),
    (["--timeout", "5"], "--timeout only applies with --impl"), (["--force"], "--force only applies with --plot"),
])
def test_bad_input_is_one_line_exit_2(args: list[str], words: str) -> None:
    result = lab(*args)
    assert result.exit_code == 2, (args, result.stdout, result.stderr)
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("kldrill: ") and words in result.stderr


def test_help_and_bad_input_do_not_import_torch() -> None:
    code = ("import sys\nfrom grader.cli.main import cli\n"
            "for args in (['--help'], ['lab', '--help'], ['lab', '--p', 'abc']):\n"
            "    try:\n        cli(args, standalone_mode=False)\n    except BaseException:\n        pass\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\nprint('ok')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr
    assert "lab" in subprocess.run([sys.executable, "-m", "grader", "--help"], capture_output=True,
                                   text=True, timeout=60).stdout


def test_a_fresh_workspace_of_stubs_exits_2_in_one_line(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["init", str(tmp_path / "ws")])
    for extra in (["--samples", "1000"], ["--gradients"]):
        result = lab("--impl", str(tmp_path / "ws"), *extra)
        assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1
        assert "none of k1, k2, k3 could be evaluated" in result.stderr
        assert result.stderr.count("NotImplementedError") == 3  # each estimator named once
