"""The toy-LM lab: its exact numbers agree with enumeration to 1e-9, its sampled ones with the exact
values within five standard errors (issue 16)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

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
