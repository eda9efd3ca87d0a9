"""The shipped question bank (questions.yaml): its content is checked by computation, not by trust.

- every numeric answer is recomputed here (closed forms, the reference solutions, Gauss-Hermite
  quadrature) and a numeric question without a recomputation fails the suite;
- the gradient facts the `gradients` questions rely on are derived with autograd on a small
  categorical policy, with exact expectations;
- single/multi answers that are a matter of computation (float16/bfloat16 behaviour, which terms give
  which gradient, framework formulas) are recomputed too;
- the coverage issue #3 asks for (counts, types, topics, both languages, sources);
- scripted `kldrill quiz` sessions on the real bank score exactly, in English and Chinese.
"""

from __future__ import annotations

import importlib.util
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import torch
from numpy.polynomial.hermite_e import hermegauss

from grader.quiz.answers import judge
from grader.quiz.bank import Bank, Question, load_bank
from grader.resources import questions_file
from quiz_banks import data_dir, run_quiz, summary  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=None)
def real_bank() -> Bank:
    # The same path and loader `kldrill quiz` uses without --bank.
    return load_bank(questions_file())


def question(qid: str) -> Question:
    found = real_bank().get(qid)
    assert found is not None, f"questions.yaml has no question {qid!r}"
    return found


@lru_cache(maxsize=None)
def solution(name: str) -> Callable:
    spec = importlib.util.spec_from_file_location(f"_bank_ref_{name}", SOLUTIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def t64(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


# ---- exact moments under a Gaussian q -----------------------------------------------------------

_NODES, _WEIGHTS = hermegauss(120)  # exact for polynomials of degree < 240, ~1e-14 on these smooth integrands
_WEIGHTS = _WEIGHTS / math.sqrt(2 * math.pi)


def moments(estimator: str, q: tuple[float, float], p: tuple[float, float]) -> tuple[float, float]:
    """(mean, std) of a reference estimator over x ~ q = N(mq, sq^2), p = N(mp, sp^2), by quadrature."""
    (mq, sq), (mp, sp) = q, p
    x = torch.tensor(mq + sq * _NODES, dtype=torch.float64)
    log_q = torch.distributions.Normal(mq, sq).log_prob(x)
    log_p = torch.distributions.Normal(mp, sp).log_prob(x)
    values = solution(estimator)(log_p, log_q).numpy()
    mean = float((_WEIGHTS * values).sum())
    return mean, math.sqrt(float((_WEIGHTS * (values - mean) ** 2).sum()))


def gauss_kl(q: tuple[float, float], p: tuple[float, float]) -> float:
    """KL(q || p) by torch.distributions, independent of the closed form quoted in the prompts."""
    return float(torch.distributions.kl_divergence(torch.distributions.Normal(*q), torch.distributions.Normal(*p)))


def kl_where_k3_overtakes(other: str) -> float:
    """The KL (= mu^2/2) of q = N(0,1), p = N(mu,1) at which std(k3) first exceeds std(other)."""
    def gap(mu: float) -> float:
        return moments("k3", (0, 1), (mu, 1))[1] - moments(other, (0, 1), (mu, 1))[1]
    lo, hi = 0.3, 3.0
    assert gap(lo) < 0 < gap(hi)  # k3 wins near p = q and loses far away: one crossing in between
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    return ((lo + hi) / 2) ** 2 / 2


def overflow_threshold(dtype: torch.dtype) -> float:
    threshold = math.log(torch.finfo(dtype).max)
    below, above = torch.tensor(threshold - 0.01, dtype=dtype), torch.tensor(threshold + 0.01, dtype=dtype)
    assert torch.isfinite(torch.exp(below)) and torch.isinf(torch.exp(above))  # torch agrees with the log
    return threshold


def rewards_kl_example() -> torch.Tensor:
    return solution("compute_rewards_kl")(t64(1.0).reshape(1, 1), t64(-1.2, -0.5, -2.0).reshape(1, 3),
                                          t64(-1.0, -0.7, -1.5).reshape(1, 3), 0.1)


def double_exp_at_equal_densities() -> float:
    logr = torch.tensor(0.0, dtype=torch.float64)  # p(x) = q(x)
    r = logr.exp()
    return float(r.exp() - logr - 1)  # the note's `r.exp() - logr - 1`


# id -> (the inputs as the English prompt states them, the recomputed answer). The prompt fragments
# make a prompt edited without its recomputation (or the reverse) fail.
RECOMPUTED: dict[str, tuple[tuple[str, ...], Callable[[], float]]] = {
    "seed-error-double-exp-value": (("r.exp() - logr - 1", "p(x) = q(x)"), double_exp_at_equal_densities),
    "kl-basics-categorical": (("q = (0.5, 0.5)", "p = (0.9, 0.1)"),
                              lambda: sum(qi * math.log(qi / pi) for qi, pi in zip((0.5, 0.5), (0.9, 0.1)))),
    "kl-basics-seed-pair": (("p = N(0, 1)", "q = N(0.5, 1)", "KL(q‖p)"), lambda: gauss_kl((0.5, 1), (0, 1))),
    "kl-basics-gauss-forward": (("q = N(0, 1)", "p = N(1, 2²)", "KL(q‖p)"), lambda: gauss_kl((0, 1), (1, 2))),
    "kl-basics-gauss-reverse": (("q = N(0, 1)", "p = N(1, 2²)", "KL(p‖q)"), lambda: gauss_kl((1, 2), (0, 1))),
    "k1-value": (("log p(x) = −1.0", "log q(x) = −1.5"), lambda: float(solution("k1")(t64(-1.0), t64(-1.5)))),
    "k1-std-seed-pair": (("p = N(0, 1)", "q = N(0.5, 1)"), lambda: moments("k1", (0.5, 1), (0, 1))[1]),
    "k1-relative-std-schulman": (("q = N(0, 1)", "p = N(0.1, 1)"),
                                 lambda: moments("k1", (0, 1), (0.1, 1))[1] / gauss_kl((0, 1), (0.1, 1))),
    "k2-mean-seed-pair": (("p = N(0, 1)", "q = N(0.5, 1)"), lambda: moments("k2", (0.5, 1), (0, 1))[0]),
    "k2-bias-schulman": (("q = N(0, 1)", "p = N(1, 1)"),
                         lambda: moments("k2", (0, 1), (1, 1))[0] / gauss_kl((0, 1), (1, 1)) - 1),
    "k2-std-schulman": (("q = N(0, 1)", "p = N(1, 1)"),
                        lambda: moments("k2", (0, 1), (1, 1))[1] / gauss_kl((0, 1), (1, 1))),
    "k3-value-at-ratio-2": (("r = p(x)/q(x) = 2",), lambda: float(solution("k3")(t64(math.log(2.0)), t64(0.0)))),
    "variance-k3-std-seed-pair": (("p = N(0, 1)", "q = N(0.5, 1)"), lambda: moments("k3", (0.5, 1), (0, 1))[1]),
    "variance-threshold-k1": (("q = N(0, 1)", "p = N(μ, 1)"), lambda: kl_where_k3_overtakes("k1")),
    "variance-threshold-k2": (("q = N(0, 1)", "p = N(μ, 1)"), lambda: kl_where_k3_overtakes("k2")),
    "variance-k3-relative-std-far": (("q = N(0, 1)", "p = N(2, 1)"),
                                     lambda: moments("k3", (0, 1), (2, 1))[1] / gauss_kl((0, 1), (2, 1))),
    "direction-other-estimator-value": (("r = p(x)/q(x) = 2",), lambda: 2 * math.log(2) - (2 - 1)),
    "grpo-kl-value": (("pi_logprob = −1.0", "pi_ref_logprob = −2.0"),
                      lambda: float(solution("grpo_kl")(t64(-1.0), t64(-2.0)))),
    "ppo-reward-last-token": (("kl_ctl = 0.1", "[[−1.2, −0.5, −2.0]]", "[[−1.0, −0.7, −1.5]]"),
                              lambda: float(rewards_kl_example()[0, -1])),
    "ppo-reward-middle-token": (("kl_ctl = 0.1", "[[−1.2, −0.5, −2.0]]", "[[−1.0, −0.7, −1.5]]"),
                                lambda: float(rewards_kl_example()[0, 1])),
    "numerics-fp16-overflow": (("float16",), lambda: overflow_threshold(torch.float16)),
    "numerics-fp32-overflow": (("float32",), lambda: overflow_threshold(torch.float32)),
    "numerics-k3-small-log-ratio": (("d = 0.01",),
                                    lambda: float(solution("k3")(t64(0.01), t64(0.0)))),
}

NUMERIC_IDS = sorted(q.id for q in real_bank().questions if q.type == "numeric")


def test_every_numeric_question_has_a_recomputation() -> None:
    missing = sorted(set(NUMERIC_IDS) - set(RECOMPUTED))
    stale = sorted(set(RECOMPUTED) - set(NUMERIC_IDS))
    assert not missing, f"numeric questions with no recomputation in this file: {missing}"
    assert not stale, f"recomputations for questions that are not numeric questions of the bank: {stale}"


@pytest.mark.parametrize("qid", NUMERIC_IDS)
def test_numeric_answer_matches_its_recomputation(qid: str) -> None:
    q = question(qid)
    fragments, recompute = RECOMPUTED[qid]
    for fragment in fragments:
        assert fragment in q.prompt["en"], f"{qid}: the prompt no longer states {fragment!r}"
    exact = recompute()
    assert abs(q.answer - exact) <= q.tolerance, f"{qid}: bank says {q.answer} ± {q.tolerance}, computed {exact}"
    assert judge(q, exact), f"{qid}: a learner typing the exact value {exact} would be marked wrong"
    # A tolerance loose enough to accept a neighbouring wrong answer teaches nothing: at most 1%, or the
    # third decimal for small answers.
    assert 0 < q.tolerance <= max(0.01 * abs(exact), 0.001), f"{qid}: tolerance {q.tolerance} for {exact}"


def test_the_direction_pair_tells_the_directions_apart() -> None:
    forward, reverse = question("kl-basics-gauss-forward"), question("kl-basics-gauss-reverse")
    assert not judge(forward, reverse.answer) and not judge(reverse, forward.answer)
    assert not judge(question("k2-mean-seed-pair"), question("kl-basics-seed-pair").answer)  # k2's bias shows


# ---- the gradient facts, derived ---------------------------------------------------------------

LOGITS = (0.3, -1.1, 0.8, 0.05)  # the policy's logits: 4 outcomes
REF = (0.1, 0.2, 0.3, 0.4)  # the reference distribution, far enough for the two KLs' gradients to differ


def expected_gradient(term: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """sum_x pi(x) * d term(x) / d logits: the exact expectation of autograd's gradient on x ~ pi."""
    theta = torch.tensor(LOGITS, dtype=torch.float64, requires_grad=True)
    log_pi = torch.log_softmax(theta, dim=0)
    log_ref = torch.log(torch.tensor(REF, dtype=torch.float64))
    weights = log_pi.detach().exp()  # the sampling probabilities are not differentiated
    (weights * term(log_pi, log_ref)).sum().backward()
    return theta.grad


def true_gradient(direction: str) -> torch.Tensor:
    theta = torch.tensor(LOGITS, dtype=torch.float64, requires_grad=True)
    log_pi = torch.log_softmax(theta, dim=0)
    log_ref = torch.log(torch.tensor(REF, dtype=torch.float64))
    pi, ref = log_pi.exp(), log_ref.exp()
    kl = (pi * (log_pi - log_ref)).sum() if direction == "pi||ref" else (ref * (log_ref - log_pi)).sum()
    kl.backward()
    return theta.grad


def k(name: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    # Samples come from pi: q = pi, p = ref in the reference solutions' (log_p, log_q) signature.
    return lambda log_pi, log_ref: solution(name)(log_ref, log_pi)


def reinforce(name: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The estimator as a detached reward: sg(k(x)) * log pi(x), the policy-gradient surrogate."""
    return lambda log_pi, log_ref: k(name)(log_pi, log_ref).detach() * log_pi


def straight_through(log_pi: torch.Tensor, log_ref: torch.Tensor) -> torch.Tensor:
    k2, k3 = k("k2")(log_pi, log_ref), k("k3")(log_pi, log_ref)
    return k2 - k2.detach() + k3.detach()


TERMS = {"k1 loss": k("k1"), "k2 loss": k("k2"), "k3 loss": k("k3"), "sg(k1) reward": reinforce("k1"),
         "sg(k3) reward": reinforce("k3"), "straight-through": straight_through}


def gradient_of(name: str) -> str:
    """Which known gradient a term's expected gradient is: 'pi||ref', 'ref||pi', 'zero' or 'other'."""
    grad = expected_gradient(TERMS[name])
    targets = {"pi||ref": true_gradient("pi||ref"), "ref||pi": true_gradient("ref||pi"),
               "zero": torch.zeros(len(LOGITS), dtype=torch.float64),
               "minus pi||ref": -true_gradient("pi||ref")}
    matches = [key for key, target in targets.items() if torch.allclose(grad, target, atol=1e-12, rtol=0)]
    return matches[0] if matches else "other"


def test_the_setup_can_tell_the_gradients_apart() -> None:
    forward, reverse = true_gradient("ref||pi"), true_gradient("pi||ref")
    assert reverse.abs().max() > 0.05 and (forward - reverse).abs().max() > 0.05


def test_gradient_facts_derived_with_autograd() -> None:
    assert gradient_of("k1 loss") == "zero"
    assert gradient_of("k2 loss") == "pi||ref"
    assert gradient_of("k3 loss") == "ref||pi"
    assert gradient_of("sg(k1) reward") == "pi||ref"
    assert gradient_of("sg(k3) reward") == "other"  # biased: k3 as a detached reward
    assert gradient_of("straight-through") == "pi||ref"


def test_straight_through_has_k3s_value() -> None:
    log_pi = torch.log_softmax(torch.tensor(LOGITS, dtype=torch.float64), dim=0)
    log_ref = torch.log(torch.tensor(REF, dtype=torch.float64))
    assert torch.allclose(straight_through(log_pi, log_ref), k("k3")(log_pi, log_ref), atol=1e-15)


# The letter of each choice -> the gradient it names (as gradient_of reports it).
GRADIENT_CHOICES = {
    "gradients-k1-loss": ("k1 loss", {"A": "pi||ref", "B": "ref||pi", "C": "zero", "D": "minus pi||ref"}),
    "gradients-k2-loss": ("k2 loss", {"A": "pi||ref", "B": "ref||pi", "C": "zero", "D": "other"}),
    "gradients-k3-loss": ("k3 loss", {"A": "pi||ref", "B": "ref||pi", "C": "zero", "D": "other"}),
}


@pytest.mark.parametrize("qid", sorted(GRADIENT_CHOICES))
def test_gradient_single_choice_answers_by_computation(qid: str) -> None:
    term, choices = GRADIENT_CHOICES[qid]
    assert len(question(qid).choices) == len(choices)
    right = [letter for letter, meaning in choices.items() if meaning == gradient_of(term)]
    assert right == [question(qid).answer]


def test_which_terms_give_the_unbiased_reverse_kl_gradient() -> None:
    q = question("gradients-unbiased-reverse")
    order = ["k1 loss", "k2 loss", "k3 loss", "sg(k1) reward", "sg(k3) reward", "straight-through"]
    assert len(q.choices) == len(order)
    right = tuple(letter for letter, name in zip(q.letters, order) if gradient_of(name) == "pi||ref")
    assert right == q.answer == ("B", "D", "F")


def test_ppo_reward_question_rests_on_the_detached_k1_gradient() -> None:
    assert gradient_of("sg(k1) reward") == "pi||ref" and question("ppo-reward-why-k1-ok").answer == "B"
    assert gradient_of("straight-through") == "pi||ref" and question("gradients-straight-through").answer == "B"


# ---- other single/multi answers that computation can settle --------------------------------------

def test_unbiasedness_on_a_categorical_pair() -> None:
    q_probs, p_probs = t64(0.6, 0.3, 0.1), t64(0.2, 0.3, 0.5)
    log_q, log_p = q_probs.log(), p_probs.log()
    kl_qp = float((q_probs * (log_q - log_p)).sum())
    kl_pq = float((p_probs * (log_p - log_q)).sum())
    mean = {name: float((q_probs * solution(name)(log_p, log_q)).sum()) for name in ("k1", "k2", "k3")}
    assert math.isclose(mean["k1"], kl_qp) and math.isclose(mean["k3"], kl_qp)
    assert not math.isclose(mean["k2"], kl_qp, rel_tol=1e-3)
    r = (log_p - log_q).exp()
    other = float((q_probs * (r * r.log() - (r - 1))).sum())
    assert math.isclose(other, kl_pq) and not math.isclose(kl_pq, kl_qp, rel_tol=1e-3)
    assert question("k1-properties").answer == ("A", "B", "D")
    assert question("seed-error-bias-labels").answer == "C"
    assert question("direction-other-estimator").answer == "B"


def test_k3_underestimates_by_the_mass_outside_qs_support() -> None:
    q_probs, p_probs = t64(0.6, 0.4, 0.0), t64(0.5, 0.3, 0.2)  # p puts m = 0.2 where q never samples
    seen = q_probs > 0
    log_q, log_p = q_probs[seen].log(), p_probs[seen].log()
    kl = float((q_probs[seen] * (log_q - log_p)).sum())
    mean_k3 = float((q_probs[seen] * solution("k3")(log_p, log_q)).sum())
    mean_k1 = float((q_probs[seen] * solution("k1")(log_p, log_q)).sum())
    assert math.isclose(mean_k3, kl - 0.2) and math.isclose(mean_k1, kl)
    assert question("kl-basics-support").answer == "B"


def test_bfloat16_k3_comes_out_negative() -> None:
    d = torch.tensor(0.01, dtype=torch.bfloat16)
    naive = float(torch.exp(d) - 1 - d)
    assert -0.003 < naive < -0.001  # the value choice B names
    assert math.isclose(float(solution("k3")(t64(0.01), t64(0.0))), 5.0167e-5, rel_tol=1e-3)
    assert question("numerics-bf16-k3").answer == "B"


def test_clamping_only_the_output_gives_a_nan_gradient() -> None:
    u = torch.tensor(100.0, requires_grad=True)
    value = torch.clamp(torch.exp(u) - u - 1, max=10)
    value.backward()
    assert float(value.detach()) == 10 and torch.isnan(u.grad)
    u = torch.tensor(100.0, requires_grad=True)
    clamped = torch.clamp(u, -20, 20)
    torch.clamp(torch.exp(clamped) - clamped - 1, -10, 10).backward()  # verl's low_var_kl: finite
    assert torch.isfinite(u.grad)
    assert question("numerics-clamp-output").answer == "B" and question("frameworks-verl-clamp").answer == "C"


def test_ratio_of_exps_underflows_to_nan() -> None:
    ref, logp = torch.tensor(-120.0), torch.tensor(-110.0)
    assert torch.isnan(torch.exp(ref) / torch.exp(logp))
    assert math.isclose(float(torch.exp(ref - logp)), math.exp(-10), rel_tol=1e-5)
    assert question("numerics-ratio-underflow").answer == "B"


def test_framework_formulas_equal_the_reference_grpo_kl() -> None:
    gen = torch.Generator().manual_seed(0)
    logp, ref = -3 * torch.rand(50, generator=gen, dtype=torch.float64), -3 * torch.rand(50, generator=gen, dtype=torch.float64)
    reference = solution("grpo_kl")(logp, ref)
    trl = torch.exp(ref - logp) - (ref - logp) - 1  # TRL GRPOTrainer per_token_kl; choice B of grpo-kl-formula
    log_ratio = logp - ref  # OpenRLHF compute_approx_kl, k3
    openrlhf = torch.exp(-log_ratio) - 1 + log_ratio
    inverted = torch.exp(logp - ref) - (logp - ref) - 1  # choice C
    assert torch.allclose(trl, reference) and torch.allclose(openrlhf, reference)
    assert not torch.allclose(inverted, reference)
    assert question("grpo-kl-formula").answer == "B" and question("frameworks-openrlhf-k3").answer == "A"


def test_the_notes_double_exp_is_not_k3() -> None:
    assert math.isclose(double_exp_at_equal_densities(), math.e - 1)
    assert float(solution("k3")(t64(0.0), t64(0.0))) == 0.0
    assert question("seed-error-double-exp").answer == "B"


# ---- coverage (issue #3) -------------------------------------------------------------------------

SEED_INTERVIEW = {"seed-q1-why-approximate", "seed-q2-grpo-estimator", "seed-q3-k3-nonnegative"}


def test_the_bank_is_the_one_kldrill_quiz_loads() -> None:
    assert questions_file().resolve() == (ROOT / "questions.yaml").resolve()
    assert len(real_bank().questions) >= 40


def test_coverage_by_type_topic_and_difficulty() -> None:
    questions = real_bank().questions
    by_type = {kind: [q for q in questions if q.type == kind] for kind in ("single", "multi", "numeric", "open")}
    assert all(by_type.values()), {kind: len(qs) for kind, qs in by_type.items()}
    assert len(by_type["numeric"]) >= 8
    assert {q.difficulty for q in questions} == {1, 2, 3}
    topics = [q.topic for q in questions]
    assert topics.count("seed-errors") >= 5
    assert topics.count("gradients") >= 5
    for topic in ("kl-basics", "k1", "k2", "k3", "variance", "direction", "grpo", "ppo-reward", "numerics",
                  "frameworks"):
        assert topic in topics, topic


def test_the_seed_notes_three_interview_questions_are_there() -> None:
    found = {q.id for q in real_bank().questions if q.topic == "seed-interview"}
    assert found == SEED_INTERVIEW
    assert all("seed" in qid for qid in found)


def test_every_question_is_bilingual_explained_and_sourced() -> None:
    for q in real_bank().questions:
        for field in ("prompt", "explanation"):
            text = getattr(q, field)
            assert CJK.search(text["zh"]), f"{q.id}: {field}.zh has no Chinese"
            assert not CJK.search(text["en"]), f"{q.id}: {field}.en has Chinese in it"
        if q.model_answer is not None:
            assert CJK.search(q.model_answer["zh"]) and not CJK.search(q.model_answer["en"]), q.id
        assert q.source.strip(), q.id
        for lang in ("en", "zh"):
            shown = [choice[lang] for choice in q.choices]
            assert len(set(shown)) == len(shown), f"{q.id}: two choices read the same in {lang}"


# ---- scripted sessions on the real bank -----------------------------------------------------------

SESSION = ["seed-q3-k3-nonnegative", "gradients-unbiased-reverse", "kl-basics-gauss-forward",
           "seed-q1-why-approximate", "k1-value", "kl-basics-gauss-reverse"]


def script(*answers: str) -> str:
    return "".join(a + "\n" for a in answers)


def test_scripted_english_session_on_the_real_bank(data_dir) -> None:
    answers = script("b",  # right
                     "B, D",  # wrong: F is missing
                     "0.443",  # right, within 0.001
                     "the sum over all sequences is intractable", "n",  # self-rated wrong
                     "-0.5",  # right
                     "0.443")  # wrong: the other direction's value
    result = run_quiz("--ids", ",".join(SESSION), "--json", input=answers, lang="en")
    assert result.exit_code == 0, result.output
    assert summary(result) == {"asked": 6, "correct": 3, "answers": [
        {"id": "seed-q3-k3-nonnegative", "correct": True}, {"id": "gradients-unbiased-reverse", "correct": False},
        {"id": "kl-basics-gauss-forward", "correct": True}, {"id": "seed-q1-why-approximate", "correct": False},
        {"id": "k1-value", "correct": True}, {"id": "kl-basics-gauss-reverse", "correct": False}]}
    out = result.stdout
    assert "Score: 3/6 (50%)" in out
    assert "✗ Wrong: the answer is B, D, F." in out and "✓ Right: 0.4431 ± 0.001." in out
    assert "Model answer: The KL we penalise is over whole responses" in out and "Recorded as wrong." in out


def test_scripted_chinese_session_on_the_real_bank(data_dir) -> None:
    answers = script("Ａ",  # wrong, typed full-width
                     "b、d，f",  # right, Chinese separators
                     "0.4431",  # right
                     "序列太多，无法穷举", "是",  # self-rated right
                     "-1/2",  # right, as a fraction
                     "1.307")  # right
    result = run_quiz("--ids", ",".join(SESSION), "--json", input=answers, lang="zh")
    assert result.exit_code == 0, result.output
    assert summary(result) == {"asked": 6, "correct": 5, "answers": [
        {"id": "seed-q3-k3-nonnegative", "correct": False}, {"id": "gradients-unbiased-reverse", "correct": True},
        {"id": "kl-basics-gauss-forward", "correct": True}, {"id": "seed-q1-why-approximate", "correct": True},
        {"id": "k1-value", "correct": True}, {"id": "kl-basics-gauss-reverse", "correct": True}]}
    out = result.stdout
    assert "得分：5/6（83%）" in out and "已记为答对。" in out
    assert "✗ 错误：正确答案是 B。" in out
    assert question("seed-q3-k3-nonnegative").prompt["zh"] in out
    assert question("gradients-unbiased-reverse").explanation["zh"] in out
    assert "Score" not in out and "Model answer" not in out  # the learner's view is all Chinese
