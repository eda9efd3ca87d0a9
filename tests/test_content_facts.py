"""Facts stated outside the question bank (mistake messages, stubs, reference docstrings), recomputed or pinned.

Issue 28 found numbers and framework claims that had drifted from the truth; each test here recomputes the number
a text states, or pins the text to what the frameworks' code does at the commits the content names
(verl-project/verl 1dda039, volcengine/verl b178a3c, TRL f2cd577, OpenRLHF 3c3be62).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import pytest
import torch
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"


@lru_cache(maxsize=None)
def mistakes() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((ROOT / "grader" / "data" / "mistakes.yaml").read_text(encoding="utf-8"))
    return {m["id"]: m["message"] for m in data["mistakes"]}


def significant_bits(dtype: torch.dtype) -> int:
    return round(1 - math.log2(torch.finfo(dtype).eps))


def test_log_sigmoid_overflow_names_where_float32_breaks() -> None:
    threshold = math.log(torch.finfo(torch.float32).max)  # 88.72: exp(-z) overflows for z below -88.72
    z = torch.tensor([-(threshold - 0.05), -(threshold + 0.05)], dtype=torch.float32)
    assert torch.isfinite(torch.log(torch.sigmoid(z[0]))) and torch.isinf(torch.log(torch.sigmoid(z[1])))
    assert torch.isinf(torch.log1p(torch.exp(-z[1])))  # the same z, not "above 88"
    for lang in ("en", "zh"):
        text = mistakes()["log_sigmoid_overflow"][lang]
        assert "-88.7" in text and "104" not in text and "88 以上" not in text and "above 88" not in text, lang


def test_half_precision_bits_and_the_bf16_log_softmax_error() -> None:
    assert (significant_bits(torch.bfloat16), significant_bits(torch.float16)) == (8, 11)
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(64, 32000, generator=g, dtype=torch.float64) * 5  # up to about 20 in size
    assert 15 < float(logits.abs().max()) < 30
    errors = {}
    for dtype in (torch.bfloat16, torch.float16):
        given = logits.to(dtype)
        exact = torch.log_softmax(given.double(), -1)
        errors[dtype] = float((torch.log_softmax(given, -1).double() - exact).abs().max())
    assert 0.05 < errors[torch.bfloat16] < 0.3  # "off by up to about 0.1 nat"
    assert errors[torch.float16] < errors[torch.bfloat16] / 4
    for lang in ("en", "zh"):
        text = mistakes()["no_upcast"][lang]
        assert re.search(r"8\D", text) and "11" in text and "0.1 nat" in text, lang
    assert "0.1 nat" in (SOLUTIONS / "token_logprobs.py").read_text(encoding="utf-8")


def test_dpo_implicit_reward_equals_r_only_up_to_beta_log_z() -> None:
    ref, r, beta = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64), torch.tensor([1.0, 0.0, -0.5], dtype=torch.float64), 0.5
    unnormalised = ref * torch.exp(r / beta)
    log_z = float(unnormalised.sum().log())
    implicit = beta * ((unnormalised / unnormalised.sum()).log() - ref.log())
    assert torch.allclose(implicit, r - beta * log_z) and abs(beta * log_z) > 0.1  # not r itself...
    assert math.isclose(float(implicit[0] - implicit[1]), float(r[0] - r[1]))  # ...but the differences are
    for lang in ("en", "zh"):
        assert "log Z(x)" in mistakes()["rewards_missing_beta"][lang], lang


def test_straight_through_message_says_per_token_and_on_policy() -> None:
    en, zh = mistakes()["straight_through_missing"]["en"], mistakes()["straight_through_missing"]["zh"]
    assert "per token" in en and "sampled from pi_theta itself" in en
    assert "逐 token" in zh and "从 pi_theta 本身采样" in zh


def test_whitening_is_placed_where_verl_does_it() -> None:
    """verl whitens inside compute_gae_advantage_return (after returns = A + V), not in a later step."""
    for lang in ("en", "zh"):
        text = mistakes()["advantages_whitened"][lang]
        assert "compute_gae_advantage_return" in text and "afterwards" not in text and "之后单独" not in text
    stub = (EXERCISES / "gae.py").read_text(encoding="utf-8")
    assert "verl 1dda039 whitens the advantages at the end of its compute_gae_advantage_return" in stub
    assert "whitens the advantages afterwards" not in stub


CONTROLLER_FILES = [EXERCISES / "adaptive_kl_controller.py", EXERCISES / "closed_book" / "adaptive_kl_controller.py",
                    SOLUTIONS / "adaptive_kl_controller.py"]


@pytest.mark.parametrize("path", CONTROLLER_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_controller_is_the_lm_human_preferences_rule_and_not_trls(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "lm-human-preferences" in text and "#2480" in text
    assert "TRL, OpenRLHF and verl" not in text and "TRL、OpenRLHF 和 verl" not in text
    assert "the paper's proportional controller" not in text and "按论文中的" not in text


def test_the_controller_rule_is_not_the_papers_written_rule() -> None:
    """The graded rule (the code's) and Ziegler et al.'s beta (1 + K_beta e_t), K_beta = 0.1, differ."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("_facts_controller", SOLUTIONS / "adaptive_kl_controller.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kl = module.AdaptiveKLController(0.1, target=6.0, horizon=10000)
    kl.update(9.0, n_steps=512)
    paper = 0.1 * (1 + 0.1 * min(max(9.0 / 6.0 - 1, -0.2), 0.2))
    assert math.isclose(kl.value, 0.1 * (1 + 0.2 * 512 / 10000)) and not math.isclose(kl.value, paper)


def test_kl_penalty_stubs_name_the_verl_that_has_plus_modes() -> None:
    # The guided stub is also a drill's header, which must not say NotImplementedError (tests/test_drills.py).
    for path, raised in ((EXERCISES / "kl_penalty.py", '"not implemented"'),
                         (EXERCISES / "closed_book" / "kl_penalty.py", "NotImplementedError")):
        text = path.read_text(encoding="utf-8")
        assert "1dda039" in text and "b178a3c" in text and raised in text, path.name


def test_grpo_advantages_stubs_use_trls_current_option_and_say_what_eps_0_gives() -> None:
    for path in (EXERCISES / "grpo_advantages.py", EXERCISES / "closed_book" / "grpo_advantages.py"):
        text = path.read_text(encoding="utf-8")
        assert 'scale_rewards="none"' in text and "norm_adv_by_std_in_grpo=False" in text, path.name
        assert "eps = 0" in text and "NaN" in text, path.name
    import importlib.util
    spec = importlib.util.spec_from_file_location("_facts_adv", SOLUTIONS / "grpo_advantages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    equal = torch.tensor([[2.0, 2.0, 2.0, 2.0]])
    assert torch.isnan(module.grpo_advantages(equal, True, 0.0)).all()  # what the guided stub's example shows
    assert (module.grpo_advantages(equal, True, 1e-6) == 0).all()


def test_grpo_loss_stubs_do_not_call_their_defaults_trls() -> None:
    for path in (EXERCISES / "grpo_loss.py", EXERCISES / "closed_book" / "grpo_loss.py"):
        text = path.read_text(encoding="utf-8")
        assert "v0.14" in text and "f2cd577" in text and '"dapo"' in text, path.name


def test_token_mean_is_bnpo_over_one_micro_batch_only() -> None:
    for path in (EXERCISES / "aggregate_loss.py", EXERCISES / "closed_book" / "aggregate_loss.py"):
        text = path.read_text(encoding="utf-8")
        assert "global" in text and '"dapo"' in text, path.name
    # Two micro-batches of one process: the mean of per-micro-batch token means ("bnpo") is not the global one.
    losses = [torch.tensor([[1.0, 1.0, 1.0]]), torch.tensor([[4.0, 0.0, 0.0]])]
    masks = [torch.tensor([[1.0, 1.0, 1.0]]), torch.tensor([[1.0, 0.0, 0.0]])]
    bnpo = sum(float((l * m).sum() / m.sum()) for l, m in zip(losses, masks)) / 2
    global_tokens = sum(float(m.sum()) for m in masks)
    dapo = sum(float((l * m).sum()) for l, m in zip(losses, masks)) / global_tokens
    assert (bnpo, dapo) == (2.5, 1.75)
