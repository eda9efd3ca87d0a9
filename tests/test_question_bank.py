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


def kl_where_k3_overtakes(other: str, estimator: str = "k3") -> float:
    """The KL (= mu^2/2) of q = N(0,1), p = N(mu,1) at which std(estimator) first exceeds std(other)."""
    def gap(mu: float) -> float:
        return moments(estimator, (0, 1), (mu, 1))[1] - moments(other, (0, 1), (mu, 1))[1]
    lo, hi = 0.3, 3.0
    assert gap(lo) < 0 < gap(hi)  # it wins near p = q and loses far away: one crossing in between
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


def mse(estimator: str, q: tuple[float, float], p: tuple[float, float]) -> float:
    mean, std = moments(estimator, q, p)
    return std**2 + (mean - gauss_kl(q, p)) ** 2


def categorical_k3_means(pi: tuple[float, ...], old: tuple[float, ...], ref: tuple[float, ...]) -> dict[str, float]:
    """k3 (r = ref/pi) averaged under pi, under old (what GRPO's later updates see) and under old with pi/old weights."""
    pi_t, old_t, ref_t = t64(*pi), t64(*old), t64(*ref)
    k3 = solution("grpo_kl")(pi_t.log(), ref_t.log())
    return {"pi": float((pi_t * k3).sum()), "old": float((old_t * k3).sum()),
            "weighted": float((old_t * (pi_t / old_t) * k3).sum()), "kl": float((pi_t * (pi_t / ref_t).log()).sum())}


def adaptive_kl(value: float, current: float, target: float, n_steps: int, horizon: int) -> float:
    """AdaptiveKLController.update (Ziegler et al. 2019; verl core_algos.py), written from its formula."""
    err = min(max(current / target - 1, -0.2), 0.2)
    return value * (1 + err * n_steps / horizon)


def padded_batch() -> tuple[torch.Tensor, torch.Tensor]:
    """The loss-aggregation questions' batch: per-token KL (padding holds 0.3) and its mask."""
    kl = t64(0.4, 0.3, 0.3, 0.3, 0.1, 0.1, 0.1, 0.1).reshape(2, 4)
    mask = t64(1, 0, 0, 0, 1, 1, 1, 1).reshape(2, 4)
    return kl, mask


def aggregate(kind: str) -> float:
    kl, mask = padded_batch()
    if kind == "seq-mean-token-mean":  # DeepSeekMath's 1/|o_i|, TRL "grpo"
        return float(((kl * mask).sum(-1) / mask.sum(-1).clamp(min=1)).mean())
    if kind == "token-mean":  # TRL "bnpo", DAPO
        return float((kl * mask).sum() / mask.sum().clamp(min=1))
    if kind == "dr-grpo":  # sum over real tokens / (B * T)
        return float((kl * mask).sum() / kl.numel())
    return float(kl.mean())  # padding included: the bug


def verl_low_var_kl(logprob: torch.Tensor, ref_logprob: torch.Tensor) -> torch.Tensor:
    """verl core_algos.py kl_penalty, mode low_var_kl, as facts.md section 7 writes it."""
    u = torch.clamp(ref_logprob - logprob, -20, 20)
    return torch.clamp(torch.exp(u) - u - 1, -10, 10)


def verl_gradient(u: float) -> float:
    """d low_var_kl / d logprob at log-ratio u = ref - logprob, float64."""
    logprob = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    verl_low_var_kl(logprob, torch.tensor(u, dtype=torch.float64)).backward()
    return float(logprob.grad)


def verl_dead_ratio() -> float:
    """The ratio pi_ref/pi_theta above which low_var_kl's gradient is exactly 0, found from autograd itself."""
    lo, hi = 0.5, 5.0
    assert verl_gradient(lo) != 0 and verl_gradient(hi) == 0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if verl_gradient(mid) != 0 else (lo, mid)
    return math.exp((lo + hi) / 2)


def bf16_expm1_k3() -> float:
    d = torch.tensor(0.01, dtype=torch.bfloat16)
    return float(torch.expm1(d) - d)


# ---- a two-token autoregressive policy: per-token versus whole-response KL gradients -------------

def two_token_gradients(theta1: torch.Tensor, theta2: torch.Tensor, log_ref1: torch.Tensor,
                        log_ref2: torch.Tensor) -> dict[str, torch.Tensor]:
    """Exact expected gradients in (theta1, theta2), summing over every response (y1, y2).

    theta1: first-token logits (V,); theta2: second-token logits given y1 (V, V); log_ref*: the same for
    the reference (log-probs). Returns the true gradient of KL over whole responses and what each
    per-token construction gives on average.
    """
    def setup():
        t1 = theta1.detach().clone().requires_grad_(True)
        t2 = theta2.detach().clone().requires_grad_(True)
        lp1 = torch.log_softmax(t1, -1)  # (V,)
        lp2 = torch.log_softmax(t2, -1)  # (V, V): [y1, y2]
        return t1, t2, lp1[:, None].expand_as(lp2), lp2

    def grads(scalar, t1, t2):
        return torch.cat([g.reshape(-1) for g in torch.autograd.grad(scalar, [t1, t2], allow_unused=False)])

    lr1, lr2 = log_ref1[:, None].expand_as(log_ref2), log_ref2
    out = {}
    t1, t2, lp1, lp2 = setup()  # the KL over whole responses, differentiated exactly
    out["sequence"] = grads(((lp1 + lp2).exp() * (lp1 + lp2 - lr1 - lr2)).sum(), t1, t2)
    for name in ("k2", "k3", "k3+"):  # per-token losses summed over the response, on responses ~ pi
        t1, t2, lp1, lp2 = setup()
        weight = (lp1 + lp2).detach().exp()
        if name == "k3+":
            per_token = sum(straight_through(lp, lr) for lp, lr in ((lp1, lr1), (lp2, lr2)))
        else:
            per_token = sum(k(name)(lp, lr) for lp, lr in ((lp1, lr1), (lp2, lr2)))
        out[name + " loss"] = grads((weight * per_token).sum(), t1, t2)
    t1, t2, lp1, lp2 = setup()  # sg(k1) rewards, the return at t summing the KL from t to the end
    weight = (lp1 + lp2).detach().exp()
    k1_1, k1_2 = (lp1 - lr1).detach(), (lp2 - lr2).detach()
    out["k1 reward, return"] = grads((weight * (lp1 * (k1_1 + k1_2) + lp2 * k1_2)).sum(), t1, t2)
    t1, t2, lp1, lp2 = setup()  # each position's KL with its prefix distribution held fixed
    prefix = lp1.detach().exp()[:, 0]
    kl1 = (lp1[:, 0].exp() * (lp1[:, 0] - log_ref1)).sum()
    kl2 = (prefix * (lp2.exp() * (lp2 - lr2)).sum(-1)).sum()
    out["prefix held fixed"] = grads(kl1 + kl2, t1, t2)
    return out


def sigma_example() -> dict[str, float]:
    """sequence-kl-two-token: pi(a) = sigmoid(theta) at 0; after a the policy is (0.9, 0.1), the reference uniform."""
    theta1 = t64(0.0, 0.0)  # softmax of (theta, 0) = (sigmoid(theta), 1 - sigmoid(theta)); d/d logit_a = d/d theta
    theta2 = torch.stack([t64(0.9, 0.1).log(), t64(0.3, 0.7).log()])
    log_ref1, log_ref2 = t64(0.5, 0.5).log(), torch.stack([t64(0.5, 0.5).log(), t64(0.3, 0.7).log()])
    grads = two_token_gradients(theta1, theta2, log_ref1, log_ref2)
    return {name: float(g[0]) for name, g in grads.items()}  # the derivative in the first logit, theta


def dpo_gradient_at_zero() -> float:
    pc = t64(-3.0).requires_grad_(True)
    losses = solution("dpo_loss")(pc, t64(-4.0), t64(-3.0), t64(-4.0), 0.1)[0]  # policy = reference
    (grad,) = torch.autograd.grad(losses.sum(), pc)
    return float(grad)


def dpo_optimum() -> float:
    """argmax_pi E_pi[r] - beta KL(pi || ref) by gradient ascent on pi's logits (not the closed form)."""
    ref, r, beta = t64(0.5, 0.5), t64(1.0, 0.0), 1.0
    logits = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([logits], lr=1.0, max_iter=200, tolerance_grad=1e-14, tolerance_change=1e-16)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        pi = logits.softmax(-1)
        loss = -((pi * r).sum() - beta * (pi * (pi.log() - ref.log())).sum())
        loss.backward()
        return loss

    opt.step(closure)
    return float(logits.detach().softmax(-1)[0])


def controller_two_updates() -> float:
    spec = importlib.util.spec_from_file_location("_bank_ref_controller", SOLUTIONS / "adaptive_kl_controller.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kl = module.AdaptiveKLController(0.2, target=4, horizon=1000)
    kl.update(5.0, n_steps=500)
    kl.update(3.6, n_steps=1000)
    return float(kl.value)


def masked_example() -> torch.Tensor:
    return solution("masked_rewards_kl")(torch.tensor([[1.0]], dtype=torch.float64), t64(-1.0, -1.0, -1.0)[None],
                                         t64(-0.5, -2.0, -7.0)[None], t64(1.0, 1.0, 0.0)[None], 0.1)


# id -> (the inputs as the English prompt states them, the recomputed answer). The prompt fragments
# make a prompt edited without its recomputation (or the reverse) fail.
def advantage_of_the_one_correct() -> float:
    return float(solution("grpo_advantages")(t64(1, 0, 0, 0)[None], True, 0.0)[0, 0])


def logprob_by_hand() -> float:
    return float(solution("token_logprobs")(t64(2, 0, -1)[None], torch.tensor([1]))[0])


def seq_mean_token_weight() -> float:
    loss = torch.zeros(2, 4, dtype=torch.float64, requires_grad=True)
    mask = torch.tensor([[1.0, 0, 0, 0], [1, 1, 1, 1]], dtype=torch.float64)
    (grad,) = torch.autograd.grad(solution("aggregate_loss")(loss, mask, "seq-mean-token-mean"), loss)
    assert float(grad[0, 0]) == 0.5 and float(grad[0, 1]) == 0.0  # the short response's token; padding
    return float(grad[1, 2])


def k3_plus_gradient() -> float:
    logprob = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    value = solution("kl_penalty")(logprob, torch.tensor(-1.0, dtype=torch.float64), "k3+")
    assert math.isclose(float(value.detach()), math.e - 2)  # k3's value
    (grad,) = torch.autograd.grad(value, logprob)
    plain = solution("kl_penalty")(logprob, torch.tensor(-1.0, dtype=torch.float64), "k3")
    assert math.isclose(float(torch.autograd.grad(plain, logprob)[0]), -(math.e - 1))  # what k3 alone gives
    return float(grad)


def clipped_token_loss() -> float:
    old = torch.tensor([[-1.0]], dtype=torch.float64)
    logp = (old + math.log(1.5)).requires_grad_(True)
    loss = solution("grpo_loss")(logp, old, logp.detach(), t64(2.0), torch.ones(1, 1, dtype=torch.float64),
                                 0.2, 0.0, "token-mean", None)
    assert float(torch.autograd.grad(loss, logp)[0]) == 0.0  # the clipped branch: no gradient
    return float(loss.detach())


RECOMPUTED: dict[str, tuple[tuple[str, ...], Callable[[], float]]] = {
    "grpo-loss-clipped-token": (("ρ = π_θ/π_old = 1.5", "A = 2", "clip_eps = 0.2"), clipped_token_loss),
    "kl-penalty-k3plus-gradient": (("k3+", "logprob = −2", "ref_logprob = −1"), k3_plus_gradient),
    "aggregate-loss-token-weight": (("B = 2", "4-token response", "seq-mean-token-mean"), seq_mean_token_weight),
    "token-logprobs-by-hand": (("[2, 0, −1]", "index 1"), logprob_by_hand),
    "grpo-advantage-one-correct": (("[1, 0, 0, 0]", "eps = 0"), advantage_of_the_one_correct),
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
    "sequence-kl-two-token": (("π_θ(a) = σ(θ)", "θ = 0", "(0.9, 0.1)", "(0.5, 0.5)"),
                              lambda: sigma_example()["sequence"]),
    "off-policy-k3-mean": (("π_θ = (0.5, 0.5)", "π_old = (0.8, 0.2)", "π_ref = (0.9, 0.1)"),
                           lambda: categorical_k3_means((0.5, 0.5), (0.8, 0.2), (0.9, 0.1))["old"]),
    "kl-controller-update": (("kl_ctl = 0.1", "target = 6", "current_kl = 9", "n_steps = 5000", "horizon = 10000"),
                             lambda: adaptive_kl(0.1, 9, 6, 5000, 10000)),
    "loss-aggregation-seq-mean": (("[0.4, pad, pad, pad]", "[0.1, 0.1, 0.1, 0.1]", "hold 0.3"),
                                  lambda: aggregate("seq-mean-token-mean")),
    "loss-aggregation-token-mean": (("[0.4, pad, pad, pad]", "[0.1, 0.1, 0.1, 0.1]", "holding 0.3"),
                                    lambda: aggregate("token-mean")),
    "variance-k2-overtakes-k1": (("q = N(0, 1)", "p = N(μ, 1)"), lambda: kl_where_k3_overtakes("k1", "k2")),
    "k2-negative-bias": (("q = N(0, 1)", "p = N(1, 2²)"), lambda: moments("k2", (0, 1), (1, 2))[0]),
    "variance-mse-large-kl": (("q = N(0, 1)", "p = N(2, 1)"), lambda: mse("k2", (0, 1), (2, 1))),
    "numerics-verl-clamp-threshold": (("[−20, 20]", "[−10, 10]", "k3 > 10"), verl_dead_ratio),
    "numerics-expm1-bf16": (("bfloat16", "d = 0.01", "expm1(d) − d"), bf16_expm1_k3),
    "masked-reward-value": (("kl_ctl = 0.1", "[[−1.0, −1.0, −1.0]]", "[[−0.5, −2.0, −7.0]]", "[[1, 1, 0]]"),
                            lambda: float(masked_example()[0, 1])),
    "masked-reward-padding-leak": (("kl_ctl = 0.1", "[[−0.5, −2.0, −7.0]]", "forgets to multiply"),
                                   lambda: -0.1 * (-7.0 - (-1.0))),
    "dpo-loss-value": (("beta = 0.1", "policy_chosen_logps = −1.0", "policy_rejected_logps = −2.0",
                        "ref_chosen_logps = −1.5", "ref_rejected_logps = −1.5"),
                       lambda: float(solution("dpo_loss")(t64(-1.0), t64(-2.0), t64(-1.5), t64(-1.5), 0.1)[0][0])),
    "dpo-gradient-at-zero": (("z = 0", "beta = 0.1"), dpo_gradient_at_zero),
    "dpo-optimum": (("π_ref = (0.5, 0.5)", "r = (1, 0)", "β = 1"), dpo_optimum),
    "gae-value": (("rewards = [0, 0, 1]", "values = [0.5, 0.6, 0.7]", "gamma = 0.9", "lam = 0.8"),
                  lambda: float(solution("gae")(t64(0.0, 0.0, 1.0)[None], t64(0.5, 0.6, 0.7)[None],
                                                t64(1.0, 1.0, 1.0)[None], 0.9, 0.8)[0][0, 0])),
    "gae-padding-leak-value": (("rewards = [0, 1, 5]", "values = [0.5, 0.6, 9.0]", "gamma = 0.9", "0.4"),
                               lambda: 1 + 0.9 * 9.0 - 0.6),
    "kl-controller-two-updates": (("AdaptiveKLController(0.2, target=4, horizon=1000)", "update(5.0, n_steps=500)",
                                   "update(3.6, n_steps=1000)"), controller_two_updates),
    "exact-kl-value": (("logits_p = [0, 0]", "logits_q = [0, log 3]"),
                       lambda: float(solution("exact_kl")(t64(0.0, 0.0), t64(0.0, math.log(3.0))))),
}

def jsd_of_probabilities() -> float:
    """generalized_jsd on log-probabilities as logits (log_softmax leaves them unchanged)."""
    student, teacher = t64(0.9, 0.1).log()[None, None], t64(0.5, 0.5).log()[None, None]
    return float(solution("generalized_jsd")(student, teacher, 0.5, t64(1.0)[None]))


RECOMPUTED.update({
    "rloo-by-hand": (("[1, 0, 0, 1]", "n = 4"), lambda: float(solution("rloo_advantages")(t64(1.0, 0.0, 0.0, 1.0)[None])[0, 0])),
    "is-weights-geometric": (("[0.2, −0.1, 0.5]", "cap = 1.5", "\"geometric\"", "\"truncate\""),
                             lambda: float(solution("is_weights")(t64(-1.0, -2.0, -0.5)[None],
                                                                  t64(-1.2, -1.9, -1.0)[None], t64(1.0, 1.0, 1.0)[None],
                                                                  1.5, "geometric", "truncate")[0, 0])),
    "jsd-generalised-value": (("P = (0.5, 0.5)", "S = (0.9, 0.1)", "beta = 0.5"), jsd_of_probabilities),
})

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
               "minus pi||ref": -true_gradient("pi||ref"),
               "pi||ref - ref||pi": true_gradient("pi||ref") - true_gradient("ref||pi")}
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
    assert gradient_of("sg(k3) reward") == "pi||ref - ref||pi"  # biased: k3 as a detached reward
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
    "gradients-k3-reward": ("sg(k3) reward", {"A": "pi||ref", "B": "pi||ref - ref||pi", "C": "ref||pi", "D": "zero"}),
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
    # The realistic case the explanation names: only the reference's log-prob is very negative.
    ref, logp = torch.tensor(-120.0), torch.tensor(-2.0)
    r = torch.exp(ref) / torch.exp(logp)
    assert float(r) == 0.0 and torch.isinf(r - 1 - torch.log(r))  # k3 from the ratio of exps: inf
    k3 = float(solution("grpo_kl")(logp, ref))  # from the log-ratio: finite
    assert math.isclose(k3, 117.0, rel_tol=1e-6)
    explanation = question("numerics-ratio-underflow").explanation
    assert "117" in explanation["en"] and "117" in explanation["zh"]
    assert "sequence length" in explanation["en"] and "Long sequences" not in explanation["en"]


def test_verl_clamp_zeroes_the_gradient_beyond_k3_10() -> None:
    upper = math.log(verl_dead_ratio())
    assert verl_gradient(upper - 1e-3) != 0 and verl_gradient(upper + 1e-3) == 0
    assert math.isclose(upper, 2.611, abs_tol=5e-4) and f"{math.exp(upper):.1f}" == "13.6"
    lo, hi = -15.0, -5.0  # the other side: the gradient dies below u = -11
    assert verl_gradient(lo) == 0 and verl_gradient(hi) != 0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if verl_gradient(mid) == 0 else (lo, mid)
    assert math.isclose(lo, -11.0, abs_tol=1e-3)
    for qid in ("frameworks-verl-clamp", "numerics-clamp-output"):
        for lang in ("en", "zh"):
            text = question(qid).explanation[lang]
            assert "13.6" in text and "2.61" in text and "−11" in text, (qid, lang)


def test_expm1_is_better_but_not_exact() -> None:
    def rel_error(d: float, naive: bool = False) -> float:
        x = torch.tensor(d, dtype=torch.float32)
        got = float(torch.exp(x) - 1 - x) if naive else float(torch.expm1(x) - x)
        exact = math.expm1(float(x)) - float(x)  # k3 at the float32 input, in float64
        return abs(got - exact) / exact
    assert 3e-6 < rel_error(1e-2) < 3e-5  # "~1e-5 at d = 1e-2"
    assert 1e-4 < rel_error(1e-4) < 1e-3  # "~3e-4 at 1e-4"
    assert 1e-4 < rel_error(1e-2, naive=True) < 4e-4 and 1.5 < rel_error(1e-4, naive=True) < 3.5
    assert math.isclose(bf16_expm1_k3(), 6.1035e-5, rel_tol=1e-4)
    assert math.isclose(bf16_expm1_k3() / (math.expm1(0.01) - 0.01) - 1, 0.22, abs_tol=0.005)  # "22% off"
    for qid, fragments in (("k3-expm1", ("1e−5", "3e−4", "22%")), ("numerics-expm1-bf16", ("22%", "1e−5", "3e−4"))):
        for lang in ("en", "zh"):
            text = question(qid).explanation[lang]
            assert all(re.search(rf"(?<![\d.]){f}", text) for f in fragments), (qid, lang, text)
    assert "full relative precision" not in question("k3-expm1").explanation["en"]
    assert "完整的相对精度" not in question("k3-expm1").explanation["zh"]


def test_k2_bias_has_either_sign() -> None:
    seed = moments("k2", (0.5, 1), (0, 1))[0], gauss_kl((0.5, 1), (0, 1))
    wide = moments("k2", (0, 1), (1, 2))[0], gauss_kl((0, 1), (1, 2))
    q_probs, p_probs = t64(0.9, 0.1), t64(0.5, 0.5)
    cat = (float((q_probs * solution("k2")(p_probs.log(), q_probs.log())).sum()),
           float((q_probs * (q_probs / p_probs).log()).sum()))
    assert seed[0] > seed[1]  # above KL on the note's pair...
    assert wide[0] < wide[1] and cat[0] < cat[1]  # ...below it on these two
    assert (round(wide[0], 3), round(wide[1], 3)) == (0.270, 0.443)
    assert (round(cat[0], 3), round(cat[1], 3)) == (0.285, 0.368)
    assert question("k2-bias-categorical").answer == "A"
    text = question("k2-bias").explanation
    for lang in ("en", "zh"):
        assert all(f in text[lang] for f in ("0.270", "0.443", "0.618")), lang
    assert "low-variance" not in text["en"]
    assert round(kl_where_k3_overtakes("k1", "k2"), 3) == round((math.sqrt(5) - 1) / 2, 3) == 0.618


def test_mse_ranking_at_large_kl() -> None:
    errors = {name: mse(name, (0, 1), (2, 1)) for name in ("k1", "k2", "k3")}
    assert math.isclose(errors["k1"], 4, rel_tol=1e-9) and math.isclose(errors["k2"], 28, rel_tol=1e-9)
    assert math.isclose(errors["k3"], math.exp(4) - 5, rel_tol=1e-6)
    assert min(errors, key=errors.get) == "k1" and question("variance-mse-lowest").answer == "A"
    near = {name: mse(name, (0, 1), (0.5, 1)) for name in ("k1", "k2", "k3")}
    assert min(near, key=near.get) == "k3"  # the usual ranking is a small-KL ranking


def test_loss_aggregation_of_the_padded_batch() -> None:
    assert math.isclose(aggregate("seq-mean-token-mean"), 0.25) and math.isclose(aggregate("token-mean"), 0.16)
    assert math.isclose(aggregate("padding included"), 0.2125) and math.isclose(aggregate("dr-grpo"), 0.1)
    assert question("loss-aggregation-padding").answer == "B"
    assert "0.2125" in question("loss-aggregation-padding").choices[1]["en"]
    assert "0.8 / 8 = 0.1" in question("loss-aggregation-token-mean").explanation["en"]
    empty = torch.zeros(1, 4, dtype=torch.float64)
    assert float((empty * empty).sum() / empty.sum().clamp(min=1)) == 0.0  # an empty mask gives 0, not NaN


def test_adaptive_controller_moves_toward_the_target() -> None:
    assert math.isclose(adaptive_kl(0.1, 9, 6, 5000, 10000), 0.11)
    assert math.isclose(adaptive_kl(0.1, 9, 6, 5000, 10000) / 0.1, 1.1)  # clipped at +0.2, not 1.25
    below = adaptive_kl(0.1, 1, 6, 5000, 10000)
    assert 0.1 * (1 - 0.2 * 5000 / 10000) <= below < 0.1
    assert question("kl-controller-below-target").answer == "A"


def test_per_token_losses_miss_the_sequence_gradient() -> None:
    gen = torch.Generator().manual_seed(3)
    theta1, theta2 = torch.randn(3, generator=gen, dtype=torch.float64), torch.randn(3, 3, generator=gen, dtype=torch.float64)
    log_ref1 = torch.log_softmax(torch.randn(3, generator=gen, dtype=torch.float64), -1)
    log_ref2 = torch.log_softmax(torch.randn(3, 3, generator=gen, dtype=torch.float64), -1)
    g = two_token_gradients(theta1, theta2, log_ref1, log_ref2)
    truth = g["sequence"]
    assert torch.allclose(g["k1 reward, return"], truth, atol=1e-12, rtol=0)  # PPO's shaping: exact
    for loss in ("k2 loss", "k3+ loss"):  # per-token reverse-KL gradients: each position right...
        assert torch.allclose(g[loss], g["prefix held fixed"], atol=1e-12, rtol=0)
        assert (g[loss] - truth).abs().max() > 0.02  # ...but the sum misses the prefixes' dependence on theta
    assert (g["k3 loss"] - truth).abs().max() > 0.02
    example = sigma_example()
    assert abs(example["k2 loss"]) < 1e-12 and abs(example["k3+ loss"]) < 1e-12
    assert math.isclose(example["sequence"], 0.25 * (0.9 * math.log(1.8) + 0.1 * math.log(0.2)), rel_tol=1e-12)
    assert math.isclose(example["k1 reward, return"], example["sequence"], rel_tol=1e-12)
    assert question("sequence-kl-per-token-losses").answer == "B" and question("sequence-kl-k1-return").answer == "A"


def test_off_policy_k3_and_its_correction() -> None:
    means = categorical_k3_means((0.5, 0.5), (0.8, 0.2), (0.9, 0.1))
    assert math.isclose(means["pi"], means["kl"]) and math.isclose(means["weighted"], means["kl"])
    assert round(means["kl"], 3) == 0.511 and round(means["old"], 3) == 0.332
    # Gradients: rho * k3 with rho = pi/pi_old in the graph gives grad KL(pi || ref) for any pi_old...
    theta = torch.tensor(LOGITS, dtype=torch.float64, requires_grad=True)
    log_pi = torch.log_softmax(theta, 0)
    log_ref = torch.log(torch.tensor(REF, dtype=torch.float64))
    log_old = torch.log_softmax(torch.tensor(LOGITS, dtype=torch.float64) + t64(0.5, -0.3, 0.2, 0.0), 0)
    rho = (log_pi - log_old).exp()
    (log_old.exp() * rho * k("k3")(log_pi, log_ref)).sum().backward()
    assert torch.allclose(theta.grad, true_gradient("pi||ref"), atol=1e-12, rtol=0)
    # ...while without the weight, on samples from pi_old, k3's gradient is neither KL's.
    theta.grad = None
    log_pi = torch.log_softmax(theta, 0)
    (log_old.exp() * k("k3")(log_pi, log_ref)).sum().backward()
    for direction in ("pi||ref", "ref||pi"):
        assert (theta.grad - true_gradient(direction)).abs().max() > 0.01
    # At the first update (pi_old = pi, rho = 1 in value): with rho in the graph, k2's gradient, not k3's.
    theta.grad = None
    log_pi = torch.log_softmax(theta, 0)
    rho = (log_pi - log_pi.detach()).exp()
    (log_pi.detach().exp() * rho * k("k3")(log_pi, log_ref)).sum().backward()
    assert torch.allclose(theta.grad, true_gradient("pi||ref"), atol=1e-12, rtol=0)
    assert question("off-policy-correction").answer == "B" and question("off-policy-weighted-gradient").answer == "B"


def test_forward_and_reverse_gradients_agree_near_ref() -> None:
    """gradients-k3-near-ref: near pi_ref both KLs' gradients are O(eps), their difference O(eps^2)."""
    log_ref = torch.log(torch.tensor(REF, dtype=torch.float64))
    direction = t64(0.7, -0.4, 0.1, -0.2)

    def gap(eps: float) -> tuple[float, float]:
        theta = (log_ref + eps * direction).requires_grad_(True)
        log_pi = torch.log_softmax(theta, 0)
        reverse = torch.autograd.grad((log_pi.exp() * (log_pi - log_ref)).sum(), theta)[0]
        theta = (log_ref + eps * direction).requires_grad_(True)
        log_pi = torch.log_softmax(theta, 0)
        forward = torch.autograd.grad((log_ref.exp() * (log_ref - log_pi)).sum(), theta)[0]
        return float(reverse.abs().max()), float((reverse - forward).abs().max())
    (size1, diff1), (size2, diff2) = gap(0.02), gap(0.01)
    assert math.isclose(size1 / size2, 2, rel_tol=0.05) and math.isclose(diff1 / diff2, 4, rel_tol=0.05)
    assert question("gradients-k3-near-ref").answer == "C"


def openrlhf_compute_approx_kl(log_probs: torch.Tensor, log_probs_base: torch.Tensor) -> torch.Tensor:
    """OpenRLHF 3c3be62 openrlhf/models/utils.py compute_approx_kl, kl_estimator="k3", as its code writes it."""
    log_ratio = log_probs.float() - log_probs_base.float()
    return ((-log_ratio).exp() - 1 + log_ratio).clamp(min=-10, max=10)


def test_framework_formulas_equal_the_reference_grpo_kl() -> None:
    gen = torch.Generator().manual_seed(0)
    logp, ref = -3 * torch.rand(50, generator=gen, dtype=torch.float64), -3 * torch.rand(50, generator=gen, dtype=torch.float64)
    reference = solution("grpo_kl")(logp, ref)
    trl = torch.exp(ref - logp) - (ref - logp) - 1  # TRL GRPOTrainer per_token_kl; choice B of grpo-kl-formula
    inverted = torch.exp(logp - ref) - (logp - ref) - 1  # choice C
    assert torch.allclose(trl, reference) and not torch.allclose(inverted, reference)
    # OpenRLHF: the same formula in float32, clamped at 10: equal where k3 <= 10, stuck at 10 (gradient 0) beyond.
    openrlhf = openrlhf_compute_approx_kl(logp, ref).double()
    small = reference <= 10
    assert small.any() and torch.allclose(openrlhf[small], reference[small], rtol=1e-6, atol=1e-6)
    far = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)  # u = ref - logp = 3.5: k3 = 28.6
    value = openrlhf_compute_approx_kl(far, torch.tensor([-0.5], dtype=torch.float64))
    assert float(value.detach()) == 10.0 and float(torch.autograd.grad(value.sum(), far)[0]) == 0.0
    assert math.isclose(float(solution("grpo_kl")(t64(-4.0), t64(-0.5))), math.exp(3.5) - 4.5)  # 28.6, not 10
    choice = question("frameworks-openrlhf-k3").choices[0]
    assert "[−10, 10]" in choice["en"] and "[−10, 10]" in choice["zh"] and "float32" in choice["en"]
    assert question("grpo-kl-formula").answer == "B" and question("frameworks-openrlhf-k3").answer == "A"


def test_log_of_sigmoid_breaks_where_exp_overflows_in_float32() -> None:
    """log(sigmoid(z)) is -inf (with a NaN gradient) from z = -88.72 on, where exp(-z) overflows; not -104."""
    def broken(z: float) -> bool:
        t = torch.tensor(z, dtype=torch.float32, requires_grad=True)
        value = torch.log(torch.sigmoid(t))
        value.backward()
        return math.isinf(float(value.detach())) and math.isnan(float(t.grad))
    lo, hi = -120.0, -50.0  # broken at lo, fine at hi
    assert broken(lo) and not broken(hi)
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if broken(mid) else (lo, mid)
    assert math.isclose(hi, -math.log(torch.finfo(torch.float32).max), abs_tol=0.01)  # -88.72
    assert torch.isinf(torch.log1p(torch.exp(-torch.tensor(lo))))  # log1p(exp(-z)) overflows for the same z
    q = question("dpo-log-sigmoid")
    for lang in ("en", "zh"):
        text = q.choices[1][lang] + q.explanation[lang]
        assert "88.7" in text and "104" not in text, lang


def test_the_notes_double_exp_is_not_k3() -> None:
    assert math.isclose(double_exp_at_equal_densities(), math.e - 1)
    assert float(solution("k3")(t64(0.0), t64(0.0))) == 0.0
    assert question("seed-error-double-exp").answer == "B"


# ---- coverage (issue #3) -------------------------------------------------------------------------

SEED_INTERVIEW = {"seed-q1-why-approximate", "seed-q2-grpo-estimator", "seed-q3-k3-nonnegative"}


def test_the_bank_is_the_one_kldrill_quiz_loads() -> None:
    assert questions_file().resolve() == (ROOT / "questions.yaml").resolve()
    assert len(real_bank().questions) >= 78  # issue #13: 63 plus at least 15


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
                  "frameworks", "sequence-kl", "off-policy", "kl-controller", "loss-aggregation"):
        assert topic in topics, topic


# Issue #13's "Add" list: each topic -> questions that cover it.
ADDED = {
    "token- vs sequence-level KL gradients": ("sequence-kl-per-token-losses", "sequence-kl-two-token",
                                              "sequence-kl-k1-return"),
    "the off-policy correction of the KL term": ("off-policy-k3-mean", "off-policy-correction",
                                                 "off-policy-weighted-gradient"),
    "verl's two KL switches and their defaults": ("frameworks-verl-kl-switches",),
    "TRL's GRPO defaults; why DAPO and Dr. GRPO drop the KL": ("frameworks-trl-grpo-defaults", "frameworks-why-drop-kl"),
    "k3 as a detached reward": ("gradients-k3-reward",),
    "the adaptive KL controller": ("kl-controller-update", "kl-controller-below-target"),
    "averaging and masking the KL term": ("loss-aggregation-seq-mean", "loss-aggregation-token-mean",
                                          "loss-aggregation-padding"),
    "MSE vs bias at large KL (numeric)": ("variance-mse-large-kl", "variance-mse-lowest"),
    "where k2's variance overtakes k1's (numeric)": ("variance-k2-overtakes-k1",),
    "k2's bias of either sign": ("k2-negative-bias", "k2-bias-categorical"),
    "verl's output clamp and expm1's precision (numeric)": ("numerics-verl-clamp-threshold", "numerics-expm1-bf16"),
}


def test_every_topic_of_issue_13_is_covered_and_linked_to_an_exercise() -> None:
    added = [qid for ids in ADDED.values() for qid in ids]
    assert len(added) == len(set(added)) >= 15
    for qid in added:
        assert question(qid).exercise is not None, f"{qid} follows up on no exercise"
    assert {question(qid).type for qid in ADDED["MSE vs bias at large KL (numeric)"]} >= {"numeric"}
    assert question("variance-k2-overtakes-k1").type == "numeric"


def test_every_exercise_has_follow_up_questions() -> None:
    from grader.exercises import get, names
    bank = real_bank()
    for name in names():
        # Track 1's exercises have five or more follow-ups; issue 15 asks three per track-2 exercise.
        assert len(bank.for_exercise(name)) >= (5 if get(name).track == 1 else 3), name
    linked = sum(q.exercise is not None for q in bank.questions)
    assert linked >= 0.8 * len(bank.questions)


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
        assert all(q.source[lang].strip() for lang in ("en", "zh")), q.id
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


# ---- track 3 -------------------------------------------------------------------------------------------

def test_exact_kl_softmax_then_log_is_inf_where_the_true_kl_is_finite() -> None:
    a = torch.tensor([0.0, 0.0, 1.0])  # P likes token 1 ...
    b = torch.tensor([0.0, -200.0, 1.0])  # ... to which Q gives a logit 200 below the others
    p, q = a.softmax(-1), b.softmax(-1)
    naive = float((p * (p.log() - q.log())).sum())
    true = float(solution("exact_kl")(a.double(), b.double()))
    assert math.isinf(naive) and math.isfinite(true) and 35 < true < 50  # ~ 200 * P(token 1) = 200 * 0.21
    assert question("exact-kl-softmax-log").answer == "B"


def test_exact_kl_of_shifted_logits_is_zero() -> None:
    a = t64(0.3, -1.2, 2.0, 0.0)
    assert abs(float(solution("exact_kl")(a, a + 5))) < 1e-12
    raw = float((a.softmax(-1) * (a - (a + 5))).sum())  # logits used as log-probs: -5, not 0 ...
    assert abs(abs(raw) - 5) < 1e-12  # ... of size 5 (the question's wrong choice)
    assert question("exact-kl-shift").answer == "A"


def test_mean_of_k1_over_the_policy_is_exact_kl_theta_ref() -> None:
    theta, ref = t64(1.0, -0.5, 0.2, 2.0), t64(0.0, 0.5, -1.0, 1.0)
    pi = theta.softmax(-1)
    k1 = theta.log_softmax(-1) - ref.log_softmax(-1)  # k1 on each possible sampled token
    mean = float((pi * k1).sum())  # exact expectation over x ~ pi_theta
    assert abs(mean - float(solution("exact_kl")(theta, ref))) < 1e-12
    assert abs(mean - float(solution("exact_kl")(ref, theta))) > 0.05  # the other direction differs here
    assert question("exact-kl-k1-mean").answer == "B"


def test_masked_reward_padding_is_zero_and_the_empty_row_wraps() -> None:
    out = masked_example()
    assert float(out[0, 2]) == 0.0
    rewards, mask, reward = torch.zeros(2, 3), torch.tensor([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), torch.ones(2, 1)
    rewards[torch.arange(2), mask.sum(1).long() - 1] += reward[:, 0]  # the question's code: no error ...
    assert rewards.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]  # ... and the empty row's score on T - 1
    assert question("masked-reward-empty-row").answer == "C"
    empty = solution("masked_rewards_kl")(torch.ones(1, 1), torch.zeros(1, 3), torch.zeros(1, 3), torch.zeros(1, 3), 0.1)
    assert empty.abs().sum() == 0


def test_zero_times_inf_needs_where() -> None:
    x = torch.tensor([-math.inf, 2.0])
    m = torch.tensor([0.0, 1.0])
    assert math.isnan(float((x * m)[0])) and float(torch.where(m > 0, x, 0.0)[0]) == 0.0
    assert question("masked-reward-why-mask").answer == "A"


def test_dpo_naive_log_sigmoid_overflows_and_the_rewards_are_detached() -> None:
    z = torch.tensor([-200.0, 0.0, 200.0])
    assert math.isinf(float(-torch.log(torch.sigmoid(z))[0]))
    assert float(-torch.nn.functional.logsigmoid(z)[0]) == 200.0
    pc = t64(-1.0, -2.0).requires_grad_(True)
    losses, chosen, rejected = solution("dpo_loss")(pc, t64(-2.0, -1.0), t64(-1.5, -1.5), t64(-1.5, -1.5), 0.1)
    assert losses.requires_grad and not chosen.requires_grad and not rejected.requires_grad
    assert question("dpo-log-sigmoid").answer == "B" and question("dpo-rewards-detached").answer == "B"


def test_dpo_minimised_reaches_the_closed_form_optimum() -> None:
    """Minimising dpo_loss over a toy categorical policy (every ordered pair, weighted by the Bradley-Terry
    preference probability of the true rewards) reaches pi* proportional to ref * exp(r / beta)."""
    ref, r, beta = t64(0.5, 0.3, 0.2), t64(1.0, 0.0, -0.5), 0.5
    logits = ref.log().clone().requires_grad_(True)
    pairs = [(i, j) for i in range(3) for j in range(3) if i != j]
    weight = torch.stack([torch.sigmoid(r[i] - r[j]) for i, j in pairs])  # P(i preferred to j)
    opt = torch.optim.LBFGS([logits], lr=1.0, max_iter=500, tolerance_grad=1e-13, tolerance_change=1e-16)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        lp = logits.log_softmax(-1)
        c, rj = torch.tensor([i for i, _ in pairs]), torch.tensor([j for _, j in pairs])
        losses = solution("dpo_loss")(lp[c], lp[rj], ref.log()[c], ref.log()[rj], beta)[0]
        loss = (weight * losses).sum()
        loss.backward()
        return loss

    opt.step(closure)
    closed = ref * torch.exp(r / beta)
    assert torch.allclose(logits.softmax(-1), closed / closed.sum(), atol=1e-6)


def test_gae_limits_and_the_padded_example() -> None:
    rewards, values = t64(0.0, 1.0, 5.0)[None], t64(0.5, 0.6, 9.0)[None]
    adv, ret = solution("gae")(rewards, values, t64(1.0, 1.0, 0.0)[None], 0.9, 0.8)
    assert abs(float(adv[0, 1]) - 0.4) < 1e-12 and float(adv[0, 2]) == 0 and float(ret[0, 2]) == 0
    g = torch.Generator().manual_seed(0)
    r, v = torch.randn(2, 6, generator=g, dtype=torch.float64), torch.randn(2, 6, generator=g, dtype=torch.float64)
    m = torch.ones(2, 6, dtype=torch.float64)
    adv0, _ = solution("gae")(r, v, m, 0.9, 0.0)
    next_v = torch.cat([v[:, 1:], torch.zeros(2, 1, dtype=torch.float64)], 1)
    assert torch.allclose(adv0, r + 0.9 * next_v - v)  # lam = 0: the TD error
    adv1, ret1 = solution("gae")(r, v, m, 1.0, 1.0)
    togo = r.flip(1).cumsum(1).flip(1)
    assert torch.allclose(adv1, togo - v) and torch.allclose(ret1, togo)  # Monte Carlo
    assert question("gae-lambda-limits").answer == "A" and question("gae-returns").answer == "A"


def test_whitening_keeps_the_returns_raw() -> None:
    g = torch.Generator().manual_seed(1)
    r, v = torch.randn(3, 5, generator=g, dtype=torch.float64), torch.randn(3, 5, generator=g, dtype=torch.float64)
    m = torch.ones(3, 5, dtype=torch.float64)
    adv, ret = solution("gae")(r, v, m, 1.0, 0.95)
    white = (adv - adv.mean()) / adv.std()
    assert torch.allclose(ret, adv + v) and not torch.allclose(ret, white + v)
    assert question("gae-whitening").answer == "B"


def test_controller_clip_bounds_one_batch_and_zero_steps_change_nothing() -> None:
    spec = importlib.util.spec_from_file_location("_bank_ref_controller2", SOLUTIONS / "adaptive_kl_controller.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kl = module.AdaptiveKLController(0.1, target=1.0, horizon=100)
    kl.update(10.0, n_steps=100)  # an outlier 10 times the target, over a whole horizon: at most +20%
    assert abs(kl.value - 0.12) < 1e-15
    kl.update(0.0, n_steps=0)
    assert abs(kl.value - 0.12) < 1e-15
    assert question("kl-controller-why-clip").answer == "A" and question("kl-controller-n-steps").answer == "A"
def test_softmax_then_log_underflows_where_log_softmax_does_not() -> None:
    logits = torch.tensor([0.0, -120.0])
    assert torch.softmax(logits, -1).log()[1] == -math.inf
    assert math.isclose(float(torch.log_softmax(logits, -1)[1]), -120.0, rel_tol=1e-6)
    assert question("token-logprobs-softmax-log").answer == "B"


def test_low_var_kl_caps_value_and_gradient_at_log_ratio_3() -> None:
    logprob = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    value = solution("kl_penalty")(logprob, torch.tensor(-1.0, dtype=torch.float64), "low_var_kl")
    assert float(value.detach()) == 10.0 and float(torch.autograd.grad(value, logprob)[0]) == 0.0
    assert question("kl-penalty-low-var-kl-cap").answer == "B"


def test_negative_advantage_takes_the_clipped_branch() -> None:
    old = torch.tensor([[-1.0]], dtype=torch.float64)
    logp = (old + math.log(0.5)).requires_grad_(True)
    loss = solution("grpo_loss")(logp, old, logp.detach(), t64(-1.0), torch.ones(1, 1, dtype=torch.float64),
                                 0.2, 0.0, "token-mean", None)
    assert math.isclose(float(loss.detach()), 0.8) and float(torch.autograd.grad(loss, logp)[0]) == 0.0
    assert question("grpo-loss-negative-advantage").answer == "B"


def test_sources_name_tests_that_exist() -> None:
    """A source that says "checked in tests/test_question_bank.py (test_x)" names a test of this file."""
    defined = {name for name in globals() if name.startswith("test_")}
    cited = {name for q in real_bank().questions for lang in ("en", "zh") for name in re.findall(r"\btest_\w+", q.source[lang])}
    cited -= {"test_question_bank"}
    assert cited and cited <= defined, sorted(cited - defined)


# ---- issue 28: what a late-2026 interviewer asks, recomputed --------------------------------------------------
# Each framework formula below is transcribed from the code at the commit the question names (verl-project/verl
# 1dda039, TRL f2cd577, OpenRLHF 3c3be62) and kept as that code writes it, so a question drifting from the code, or
# from its own prompt, fails here.

def verl_rollout_is_weights(log_ratio: torch.Tensor, mask: torch.Tensor, level: str, threshold: float) -> torch.Tensor:
    """verl rollout_corr_helper.compute_rollout_correction_weights, a single-float threshold (TIS)."""
    if level == "token":
        raw = torch.exp(torch.clamp(log_ratio, -20.0, 20.0))
    else:
        total = (log_ratio * mask).sum(-1, keepdim=True)
        raw = torch.exp(torch.clamp(total, -20.0, 20.0)).expand_as(log_ratio)
    return (raw * mask).clamp(max=threshold)


def trl_vllm_is_ratio(old: torch.Tensor, sampling: torch.Tensor, mask: torch.Tensor, mode: str,
                      clip_min: float | None = None, clip_max: float | None = 3.0) -> torch.Tensor:
    """TRL GRPOTrainer._generate_and_score_completions: the vLLM importance-sampling ratio."""
    diff = (old - sampling) * mask
    ratio = torch.exp(diff.sum(-1, keepdim=True) if mode.startswith("sequence") else diff)
    if mode.endswith("truncate"):
        return torch.clamp(ratio, min=clip_min, max=clip_max)
    low = -math.inf if clip_min is None else clip_min
    high = math.inf if clip_max is None else clip_max
    return ratio.masked_fill((ratio < low) | (ratio > high), 0.0)


def rollout_sequence_weight() -> float:
    log_ratio, mask = t64(0.3, 0.5, 0.4)[None], torch.ones(1, 3, dtype=torch.float64)
    raw = verl_rollout_is_weights(log_ratio, mask, "sequence", math.inf)
    return float(raw[0, 0])


def trl_sequence_log_ratio(log_ratio: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """TRL _compute_loss, importance_sampling_level="sequence" (GSPO)."""
    return ((log_ratio * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).unsqueeze(-1)


def verl_cispo_gradient(rho: float, advantage: float, low: float, high: float) -> float:
    """verl compute_policy_loss_cispo: -sg(clamp(ratio, 1 - low, 1 + high)) * A * log_prob, d/d log_prob."""
    log_prob = torch.tensor([[math.log(rho)]], dtype=torch.float64, requires_grad=True)
    old = torch.zeros(1, 1, dtype=torch.float64)
    ratio = torch.exp(torch.clamp(log_prob - old, -20.0, 20.0))
    loss = -torch.clamp(ratio, 1 - low, 1 + high).detach() * advantage * log_prob
    return float(torch.autograd.grad(loss.sum(), log_prob)[0])


def verl_vanilla_pg_loss(rho: torch.Tensor, advantage: torch.Tensor, eps: float = 0.2, clip_ratio_c: float = 3.0) -> torch.Tensor:
    """verl compute_policy_loss_vanilla, per token (before aggregation)."""
    losses1 = -advantage * rho
    losses2 = -advantage * torch.clamp(rho, 1 - eps, 1 + eps)
    clipped1 = torch.maximum(losses1, losses2)
    clipped2 = torch.min(-advantage * clip_ratio_c, clipped1)
    return torch.where(advantage < 0, clipped2, clipped1)


def dpo_chosen_gradient(margin: float, beta: float) -> float:
    pc = t64(-1.0).requires_grad_(True)  # the margin is (pc - rc) - (pr - rr) with rc = -1 - margin, pr = rr
    losses = solution("dpo_loss")(pc, t64(-5.0), t64(-1.0 - margin), t64(-5.0), beta)[0]
    return float(torch.autograd.grad(losses.sum(), pc)[0])


def trl_simpo_loss(chosen_logps: float, chosen_len: int, rejected_logps: float, rejected_len: int,
                   beta: float, gamma: float) -> float:
    """TRL CPOTrainer (trl/experimental/cpo), loss_type="simpo": average log-probs, logits - gamma/beta."""
    logits = chosen_logps / chosen_len - rejected_logps / rejected_len - gamma / beta
    return float(-torch.nn.functional.logsigmoid(t64(beta * logits)))


def trl_ipo_loss(chosen_logratio: float, chosen_len: int, rejected_logratio: float, rejected_len: int, beta: float) -> float:
    """TRL DPOTrainer loss_type="ipo": per-token averaged log-ratios, (delta - 1/(2 beta))^2."""
    return (chosen_logratio / chosen_len - rejected_logratio / rejected_len - 1 / (2 * beta)) ** 2


def verl_rloo(scores: torch.Tensor) -> torch.Tensor:
    """verl compute_rloo_outcome_advantage for one group."""
    n = scores.numel()
    return scores * n / (n - 1) - scores.mean() * n / (n - 1)


def openrlhf_rloo(scores: torch.Tensor) -> torch.Tensor:
    """OpenRLHF compute_advantages_and_returns, estimator "rloo", for one group."""
    return scores - (scores.sum() - scores) / (scores.numel() - 1)


def trl_nanstd(x: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """TRL trl/trainer/utils.py nanstd (Bessel-corrected, NaN-aware)."""
    mean = torch.nanmean(x, dim=dim, keepdim=True)
    variance = torch.nanmean((x - mean) ** 2, dim=dim, keepdim=True)
    count = torch.sum(~torch.isnan(x), dim=dim, keepdim=True)
    return torch.sqrt(variance * count / (count - 1)).squeeze() if dim is None else torch.sqrt(variance * count / (count - 1))


def trl_advantages(rewards: torch.Tensor, n: int, scale: str) -> torch.Tensor:
    """TRL GRPOTrainer: rewards minus the group mean, divided by the group's or the batch's std plus 1e-4."""
    mean = torch.nanmean(rewards.view(-1, n), dim=1).repeat_interleave(n)
    advantages = rewards - mean
    if scale == "group":
        advantages = advantages / (trl_nanstd(rewards.view(-1, n), dim=1).squeeze(1).repeat_interleave(n) + 1e-4)
    elif scale == "batch":
        advantages = advantages / (trl_nanstd(rewards) + 1e-4)
    return advantages


def entropy_rate(probs: tuple[float, ...], advantages: tuple[float, ...]) -> float:
    """dH/d eta at eta = 0 for logits log(probs) + eta * A, by autograd."""
    eta = torch.zeros((), dtype=torch.float64, requires_grad=True)
    logits = t64(*probs).log() + eta * t64(*advantages)
    logp = torch.log_softmax(logits, -1)
    entropy = -(logp.exp() * logp).sum()
    return float(torch.autograd.grad(entropy, eta)[0])


def openrlhf_overlong_penalty(length: int, max_new_tokens: int, buffer: int, factor: float = 1.0) -> float:
    """OpenRLHF length_penalty.apply_overlong_penalty for one response."""
    exceed = min(length - (max_new_tokens - buffer), buffer)
    return -exceed / buffer * factor if exceed > 0 else 0.0


def dapo_overlong_penalty(length: int, l_max: int, l_cache: int) -> float:
    """DAPO eq. (13): 0, then linear to -1 over the cache, then -1."""
    if length <= l_max - l_cache:
        return 0.0
    return (l_max - l_cache - length) / l_cache if length <= l_max else -1.0


def k3_mean_on_support(pi: tuple[float, ...], ref: tuple[float, ...]) -> float:
    pi_t, ref_t = t64(*pi), t64(*ref)
    seen = pi_t > 0
    k3 = solution("grpo_kl")(pi_t[seen].log(), ref_t[seen].log())
    return float((pi_t[seen] * k3).sum())


def openrlhf_last_index(mask: torch.Tensor) -> torch.Tensor:
    """OpenRLHF compute_reward: eos_indices = T - 1 - argmax(mask.fliplr())."""
    return mask.size(1) - 1 - mask.long().fliplr().argmax(dim=1)


def verl_gae(rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor, gamma: float, lam: float) -> torch.Tensor:
    """verl compute_gae_advantage_return before masked_whiten: masked tokens are skipped, not ends."""
    nextvalues, lastgaelam, out = 0.0, 0.0, []
    for t in reversed(range(rewards.shape[-1])):
        delta = rewards[:, t] + gamma * nextvalues - values[:, t]
        candidate = delta + gamma * lam * lastgaelam
        nextvalues = values[:, t] * mask[:, t] + (1 - mask[:, t]) * nextvalues
        lastgaelam = candidate * mask[:, t] + (1 - mask[:, t]) * lastgaelam
        out.append(lastgaelam)
    return torch.stack(out[::-1], dim=1)


HOLE = (t64(0.0, 0.0, 0.0, 1.0)[None], t64(0.5, 0.5, 9.0, 0.5)[None], t64(1.0, 1.0, 0.0, 1.0)[None])


def trl_ref_mixup_share(alpha: float, syncs: int) -> float:
    """SyncRefModelCallback: target.mul_(1 - alpha).add_(policy, alpha=alpha); the original weights' share."""
    reference, policy = t64(1.0, 0.0), t64(0.0, 1.0)  # the two parts, kept apart by orthogonal directions
    for _ in range(syncs):
        reference = reference * (1.0 - alpha) + policy * alpha
    return float(reference[0])


def verl_value_loss(vpred: float, value: float, ret: float, clip: float) -> torch.Tensor:
    """verl compute_value_loss, one token: 0.5 * max((v - G)^2, (clip(v) - G)^2)."""
    v = torch.tensor(vpred, dtype=torch.float64, requires_grad=True)
    clipped = torch.clamp(v, value - clip, value + clip)
    return v, 0.5 * torch.max((v - ret) ** 2, (clipped - ret) ** 2)


def gae_first_return(length: int, lam: float) -> float:
    rewards = torch.zeros(1, length, dtype=torch.float64)
    rewards[0, -1] = 1.0
    zeros = torch.zeros(1, length, dtype=torch.float64)
    _, returns = solution("gae")(rewards, zeros, torch.ones(1, length, dtype=torch.float64), 1.0, lam)
    return float(returns[0, 0])


RECOMPUTED.update({
    "rollout-is-sequence-weight": (("[0.3, 0.5, 0.4]", 'rollout_is="sequence"'), rollout_sequence_weight),
    "rollout-is-sequence-variance": (("standard deviation 0.05", "4000 tokens"), lambda: math.sqrt(4000 * 0.05 ** 2)),
    "gspo-sequence-ratio": (("[0.1, −0.2, 0.4, 5.0]", "[1, 1, 1, 0]"),
                            lambda: float(trl_sequence_log_ratio(t64(0.1, -0.2, 0.4, 5.0)[None], t64(1, 1, 1, 0)[None]).exp())),
    "cispo-gradient": (("ρ = π_θ/π_old = 1.5", "A = 2", "ε_high = 0.2"), lambda: verl_cispo_gradient(1.5, 2.0, 0.2, 0.2)),
    "dual-clip-value": (("clip_ratio_c = 3", "A = −1", "ρ = π_θ/π_old = 5", "clip_ratio 0.2"),
                        lambda: float(verl_vanilla_pg_loss(t64(5.0), t64(-1.0), 0.2, 3.0))),
    "dpo-sigma-weight": (("beta = 0.1", "is 20, so z = 2"), lambda: dpo_chosen_gradient(20.0, 0.1)),
    "simpo-loss": (("log π(y_w) = −40 over 20 tokens", "log π(y_l) = −45 over 30 tokens", "β = 2, γ = 1"),
                   lambda: trl_simpo_loss(-40.0, 20, -45.0, 30, 2.0, 1.0)),
    "ipo-loss": (("log-ratio is 6 over 20 tokens", "−3 over 30 tokens", "β = 0.25"), lambda: trl_ipo_loss(6.0, 20, -3.0, 30, 0.25)),
    "rloo-advantage": (("[1, 0, 0, 0]", "leave-one-out"), lambda: float(verl_rloo(t64(1.0, 0.0, 0.0, 0.0))[1])),
    "batch-std-advantage": (('scale_rewards="batch"', "[1, 0, 0, 0] and", "[1, 1, 1, 0]"),
                            lambda: float(trl_advantages(torch.tensor([1.0, 0, 0, 0, 1, 1, 1, 0]), 4, "batch")[0])),
    "entropy-covariance": (("(0.8, 0.2)", "A = (1, 0)"), lambda: entropy_rate((0.8, 0.2), (1.0, 0.0))),
    "opd-exact-kl-value": (("(0.7, 0.3)", "(0.4, 0.6)"),
                           lambda: float(solution("exact_kl")(t64(0.7, 0.3).log(), t64(0.4, 0.6).log()))),
    "dapo-overlong-penalty": (("L_max = 20480", "L_cache = 4096", "18432 tokens"),
                              lambda: openrlhf_overlong_penalty(18432, 20480, 4096)),
    "rpg-unnormalised-value": (("π_θ = (0.7, 0.3, 0)", "π_ref = (0.5, 0.3, 0.2)"),
                               lambda: k3_mean_on_support((0.7, 0.3, 0.0), (0.5, 0.3, 0.2))),
    "multi-turn-last-token": (("[1, 1, 0, 0, 1, 1, 0, 0]",), lambda: float(openrlhf_last_index(t64(1, 1, 0, 0, 1, 1, 0, 0)[None])[0])),
    "multi-turn-gae-holes": (("[0, 0, 0, 1]", "[0.5, 0.5, 9.0, 0.5]", "[1, 1, 0, 1]", "γ = λ = 1"),
                             lambda: float(verl_gae(*HOLE, 1.0, 1.0)[0, 0])),
    "reference-mixup-weight": (("α = 0.6", "two syncs"), lambda: trl_ref_mixup_share(0.6, 2)),
    "value-clip-loss": (("V_old = 0.5", "V = 1.0", "G = 1.2", "c = 0.2"), lambda: float(verl_value_loss(1.0, 0.5, 1.2, 0.2)[1].detach())),
    "decoupled-lambda-decay": (("γ = 1, λ = 0.95", "101-token response"), lambda: gae_first_return(101, 0.95)),
})


def test_rollout_weight_truncated_by_verl_and_masked_by_trl() -> None:
    log_ratio, mask = t64(0.3, 0.5, 0.4)[None], torch.ones(1, 3, dtype=torch.float64)
    assert torch.allclose(verl_rollout_is_weights(log_ratio, mask, "sequence", 2.0), torch.full((1, 3), 2.0, dtype=torch.float64))
    old, sampling = log_ratio, torch.zeros(1, 3, dtype=torch.float64)  # old - sampling = the log-ratios
    assert float(trl_vllm_is_ratio(old, sampling, mask, "sequence_mask")) == 0.0  # 3.32 > clip_max 3.0: dropped
    assert math.isclose(float(trl_vllm_is_ratio(old, sampling, mask, "sequence_truncate")), 3.0)
    assert question("rollout-is-truncate-or-mask").answer == "B"
    # the sequence weight's spread: the log of a product of independent token ratios
    gen = torch.Generator().manual_seed(0)
    logs = (0.05 * torch.randn(2000, 4000, generator=gen, dtype=torch.float64)).sum(-1)
    assert math.isclose(float(logs.std()), 0.05 * math.sqrt(4000), rel_tol=0.05)


def test_rollout_and_trainer_log_probs_differ_with_precision() -> None:
    """The same logits in bf16 (a rollout engine) and float32 (a trainer) give different log-probs."""
    gen = torch.Generator().manual_seed(0)
    logits = 4 * torch.randn(8, 32000, generator=gen)
    labels = torch.randint(0, 32000, (8,), generator=gen)
    trainer = torch.log_softmax(logits, -1).gather(-1, labels[:, None])[:, 0]
    rollout = torch.log_softmax(logits.bfloat16(), -1).float().gather(-1, labels[:, None])[:, 0]
    assert (trainer - rollout).abs().max() > 1e-3
    assert question("rollout-is-why-mismatch").answer == "B"


def test_gspo_clips_the_whole_sequence() -> None:
    """verl compute_policy_loss_gspo: every token's ratio is sg(s_i) * pi/sg(pi); out of range with A > 0, no token
    gets a gradient. Token-level PPO on the same tokens still moves the in-range ones."""
    old = torch.zeros(1, 4, dtype=torch.float64)
    token_log_ratio = t64(0.0, 0.0, 0.0, 0.8)[None]  # one token far off, three unchanged: mean 0.2, s = e^0.2
    mask = torch.ones(1, 4, dtype=torch.float64)
    logp = (old + token_log_ratio).requires_grad_(True)
    seq = ((logp - old) * mask).sum(-1) / mask.sum(-1)
    ratio = torch.exp(logp - logp.detach() + seq.detach()[:, None])
    advantage = torch.ones(1, 1, dtype=torch.float64)
    gspo = torch.maximum(-advantage * ratio, -advantage * torch.clamp(ratio, 0.8, 1.2)).sum()
    assert float(seq.detach().exp()) > 1.2 and torch.all(torch.autograd.grad(gspo, logp)[0] == 0)
    logp = (old + token_log_ratio).requires_grad_(True)
    token_ratio = torch.exp(logp - old)
    ppo = torch.maximum(-advantage * token_ratio, -advantage * torch.clamp(token_ratio, 0.8, 1.2)).sum()
    grad = torch.autograd.grad(ppo, logp)[0]
    assert torch.all(grad[0, :3] != 0) and grad[0, 3] == 0
    assert question("gspo-whole-sequence-clip").answer == "B"


def test_cispo_keeps_a_gradient_where_ppo_has_none_and_dual_clip_bounds_the_loss() -> None:
    old = torch.zeros(1, dtype=torch.float64)
    logp = torch.full((1,), math.log(1.5), dtype=torch.float64, requires_grad=True)
    ppo = -torch.min(torch.exp(logp - old) * 2.0, torch.clamp(torch.exp(logp - old), 0.8, 1.2) * 2.0)
    assert float(torch.autograd.grad(ppo.sum(), logp)[0]) == 0.0
    assert verl_cispo_gradient(1.5, 2.0, 0.2, 0.2) == -2.4
    rho = torch.tensor([2.0, 5.0, 50.0], dtype=torch.float64)
    standard = -torch.min(rho * -1.0, torch.clamp(rho, 0.8, 1.2) * -1.0)
    assert standard.tolist() == [2.0, 5.0, 50.0]  # unbounded in rho for A < 0
    assert verl_vanilla_pg_loss(rho, torch.full((3,), -1.0, dtype=torch.float64)).tolist() == [2.0, 3.0, 3.0]
    assert verl_vanilla_pg_loss(t64(50.0), t64(1.0)).item() == -1.2  # A > 0: the usual clip already bounds it
    assert question("dual-clip-why").answer == "A"


def test_dpo_can_lower_both_log_probs_while_the_margin_grows() -> None:
    """A linear softmax policy over three responses: y_w and y_l share a feature, z is the 'opposite' answer.
    Gradient descent on dpo_loss widens the margin while both log pi(y_w) and log pi(y_l) fall (likelihood
    displacement): the mass goes to z."""
    features = torch.tensor([[1.0, 0.0], [1.0, 0.2], [0.0, -1.0]], dtype=torch.float64)  # y_w, y_l, z
    theta = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    ref = torch.log_softmax(features @ theta.detach(), -1)
    opt = torch.optim.SGD([theta], lr=5.0)
    for _ in range(100):
        opt.zero_grad()
        logp = torch.log_softmax(features @ theta, -1)
        solution("dpo_loss")(logp[0], logp[1], ref[0], ref[1], 0.5)[0].backward()
        opt.step()
    logp = torch.log_softmax(features @ theta.detach(), -1)
    assert (logp[0] - logp[1]) > (ref[0] - ref[1]) + 1  # the margin grew...
    assert logp[0] < ref[0] - 0.1 and logp[1] < ref[1] - 0.1  # ...while both responses lost probability
    assert logp[2].exp() > ref[2].exp() + 0.2  # to z
    assert question("dpo-likelihood-displacement").answer == "B"


def test_dpo_has_no_finite_optimum_on_a_sure_preference_and_ipo_does() -> None:
    margins = t64(0.0, 5.0, 50.0, 500.0).requires_grad_(True)
    dpo = -torch.nn.functional.logsigmoid(0.1 * margins)
    grads = torch.autograd.grad(dpo.sum(), margins)[0]
    assert torch.all(grads < 0)  # always pays to widen the margin further: no minimum at finite z
    h = t64(0.4, 2.0, 3.0).requires_grad_(True)
    ipo = (h - 1 / (2 * 0.25)) ** 2
    assert torch.autograd.grad(ipo.sum(), h)[0].tolist() == [-3.2, 0.0, 2.0]  # a minimum at h = 1/(2 beta) = 2
    assert question("dpo-kl-implicit").answer == "B"


def test_dpo_implicit_rewards_carry_a_per_prompt_constant() -> None:
    beta = 0.5
    for ref, r in ((t64(0.5, 0.5), t64(1.0, 0.0)), (t64(0.2, 0.8), t64(1.0, 0.0))):
        optimum = ref * torch.exp(r / beta)
        implicit = beta * (torch.log(optimum / optimum.sum()) - ref.log())
        offset = implicit - r
        assert torch.allclose(offset, offset[0].expand(2))  # one constant per prompt: -beta log Z(x)...
        assert math.isclose(float(offset[0]), -beta * math.log(float(optimum.sum())))
    offsets = [float(-beta * math.log(float((ref * torch.exp(t64(1.0, 0.0) / beta)).sum())))
               for ref in (t64(0.5, 0.5), t64(0.2, 0.8))]
    assert abs(offsets[0] - offsets[1]) > 0.1  # ...that differs between prompts: not comparable across them
    assert question("dpo-implicit-reward-per-prompt").answer == "B"
    for lang in ("en", "zh"):
        assert "log Z(x)" in question("dpo-implicit-reward-per-prompt").choices[1][lang]


def test_rloo_and_the_group_mean_differ_by_a_constant_factor() -> None:
    scores = t64(1.0, 0.0, 0.0, 0.0)
    assert torch.allclose(verl_rloo(scores), openrlhf_rloo(scores))  # the two frameworks' spellings agree
    assert torch.allclose(scores - scores.mean(), 3 / 4 * openrlhf_rloo(scores))  # (n - 1)/n times RLOO
    gen = torch.Generator().manual_seed(5)
    other = torch.rand(7, generator=gen, dtype=torch.float64)
    assert torch.allclose(other - other.mean(), 6 / 7 * openrlhf_rloo(other))
    assert question("rloo-vs-group-mean").answer == "B"
    group = trl_advantages(torch.tensor([1.0, 0, 0, 0, 1, 1, 1, 0]), 4, "group")
    assert math.isclose(float(group[0]), 0.75 / (0.5 + 1e-4), rel_tol=1e-6)  # the explanation's per-group 1.5


def test_truncated_completion_still_shapes_its_groups_advantages() -> None:
    rewards = torch.tensor([1.0, 0.0, 0.0, 1.0])  # the second response was truncated
    kept = trl_advantages(rewards, 4, "group")  # TRL: the mask changes, the rewards do not
    dropped = trl_advantages(torch.tensor([1.0, 0.0, 1.0]), 3, "group")  # filtering it out instead
    assert math.isclose(float(kept[0]), 0.5 / (float(trl_nanstd(rewards)) + 1e-4), rel_tol=1e-6)
    assert not math.isclose(float(kept[0]), float(dropped[0]), rel_tol=1e-3)
    assert question("truncated-still-in-group").answer == "B"


def test_entropy_falls_when_the_likely_token_is_rewarded() -> None:
    probs = t64(0.8, 0.2)
    logp = probs.log()
    cov = float((probs * logp * t64(1.0, 0.0)).sum() - (probs * logp).sum() * (probs * t64(1.0, 0.0)).sum())
    assert math.isclose(entropy_rate((0.8, 0.2), (1.0, 0.0)), -cov, rel_tol=1e-12)
    assert math.isclose(entropy_rate((0.8, 0.2), (0.0, 1.0)), cov, rel_tol=1e-12)  # the unlikely one: + the same
    assert question("entropy-collapse-counters").answer == ("A", "B", "C")


def test_on_policy_distillation_reward_is_minus_k1_of_the_reverse_kl() -> None:
    student, teacher = t64(0.7, 0.3), t64(0.4, 0.6)
    rewards = -(student.log() - teacher.log())  # per sampled token
    assert torch.allclose(rewards, t64(-math.log(0.7 / 0.4), math.log(2.0)))
    assert math.isclose(float((student * rewards).sum()), -float(solution("exact_kl")(student.log(), teacher.log())))
    forward = float(solution("exact_kl")(teacher.log(), student.log()))
    assert math.isclose(forward, 0.4 * math.log(0.4 / 0.7) + 0.6 * math.log(2.0)) and round(forward, 3) == 0.192
    assert gradient_of("sg(k1) reward") == "pi||ref"  # as a detached reward: the reverse KL's gradient, per token
    assert question("opd-per-token-reverse-kl").answer == "B" and question("opd-vs-sft").answer == "A"


def test_overlong_penalty_dapo_and_openrlhf_agree() -> None:
    for length in (1000, 16384, 16385, 18432, 20480):
        assert math.isclose(dapo_overlong_penalty(length, 20480, 4096),
                            openrlhf_overlong_penalty(length, 20480, 4096), abs_tol=1e-12)
    assert dapo_overlong_penalty(20480, 20480, 4096) == -1.0
    assert question("overlong-filtering").answer == "A"


def test_k3s_mean_is_the_unnormalised_kl() -> None:
    gen = torch.Generator().manual_seed(2)
    pi, ref = torch.rand(6, generator=gen, dtype=torch.float64), torch.rand(6, generator=gen, dtype=torch.float64)
    mean_k3 = float((pi * solution("grpo_kl")(pi.log(), ref.log())).sum())
    ukl = float((pi * (pi / ref).log() - pi + ref).sum())
    assert math.isclose(mean_k3, ukl, rel_tol=1e-12)  # any positive measures, normalised or not
    pi, ref = pi / pi.sum(), ref / ref.sum()
    assert math.isclose(float((pi * solution("grpo_kl")(pi.log(), ref.log())).sum()),
                        float((pi * (pi / ref).log()).sum()), rel_tol=1e-12)  # normalised: the KL itself
    assert math.isclose(k3_mean_on_support((0.7, 0.3, 0.0), (0.5, 0.3, 0.2)), 0.7 * math.log(1.4) - 0.2)
    assert question("rpg-k3-unnormalised-kl").answer == "A"


def test_masks_with_holes_break_the_right_padding_shortcuts() -> None:
    mask = t64(1, 1, 0, 0, 1, 1, 0, 0)[None]
    assert int(mask.sum()) - 1 == 3 and int(openrlhf_last_index(mask)[0]) == 5
    rewards, values, hole = HOLE
    assert torch.allclose(verl_gae(rewards, values, hole, 1.0, 1.0)[0, [0, 1, 3]], t64(0.5, 0.5, 0.5))
    kl_drill, _ = solution("gae")(rewards, values, hole, 1.0, 1.0)
    assert torch.allclose(kl_drill[0], t64(-0.5, -0.5, 0.0, 0.5))  # the prompt's -0.5: a 0 ends the response
    for lang in ("en", "zh"):
        assert "−0.5" in question("multi-turn-gae-holes").prompt[lang]


def test_a_reference_reset_zeroes_the_kl_term() -> None:
    logp = -3 * torch.rand(10, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    assert torch.all(solution("grpo_kl")(logp, logp.clone()) == 0)
    assert trl_ref_mixup_share(1.0, 1) == 0.0 and trl_ref_mixup_share(0.0, 5) == 1.0  # a hard reset; no update
    assert question("reference-reset").answer == "A"


def test_the_value_clip_takes_the_clipped_branch_and_stops_the_gradient() -> None:
    v, loss = verl_value_loss(1.0, 0.5, 1.2, 0.2)
    assert math.isclose(float(loss.detach()), 0.125) and float(torch.autograd.grad(loss, v)[0]) == 0.0
    v, loss = verl_value_loss(0.6, 0.5, 1.2, 0.2)  # inside the range: the ordinary gradient V - G
    assert math.isclose(float(torch.autograd.grad(loss, v)[0]), 0.6 - 1.2)


def test_decoupled_lambda_keeps_the_reward_and_scales_with_length() -> None:
    assert math.isclose(gae_first_return(101, 1.0), 1.0)  # lambda_critic = 1: the Monte-Carlo return
    assert math.isclose(gae_first_return(101, 0.95), 0.95 ** 100)
    for length, lam in ((200, 0.9), (1000, 0.98)):
        assert math.isclose(1 - 1 / (0.05 * length), lam)
        assert f"{lam}" in question("decoupled-lambda").choices[0]["en"]
    assert question("decoupled-lambda").answer == "A"


# Issue 28's list of what late-2026 interviews ask, most asked first: each topic -> the questions covering it.
ISSUE_28 = {
    "rollout/trainer log-prob mismatch, truncated or masked IS, which log-probs feed what":
        ("rollout-is-three-logprobs", "rollout-is-why-mismatch", "rollout-is-sequence-weight",
         "rollout-is-truncate-or-mask", "rollout-is-sequence-variance", "rollout-is-weight-detached"),
    "sequence-level ratios and clipping variants (GSPO, CISPO, dual-clip)":
        ("gspo-sequence-ratio", "gspo-whole-sequence-clip", "cispo-gradient", "dual-clip-value", "dual-clip-why"),
    "DPO beyond the loss": ("dpo-sigma-weight", "dpo-likelihood-displacement", "dpo-length-exploitation", "simpo-loss",
                            "ipo-loss", "dpo-kl-implicit", "dpo-implicit-reward-per-prompt"),
    "baselines (RLOO, group mean, batch std)": ("rloo-advantage", "rloo-vs-group-mean", "batch-std-advantage"),
    "entropy collapse and its counters": ("entropy-covariance", "entropy-collapse-counters"),
    "on-policy distillation": ("opd-per-token-reverse-kl", "opd-exact-kl-value", "opd-vs-sft"),
    "DAPO overlong shaping and truncated completions": ("dapo-overlong-penalty", "overlong-filtering",
                                                        "truncated-still-in-group"),
    "the RPG view of E[k3]": ("rpg-k3-unnormalised-kl", "rpg-unnormalised-value"),
    "masks with holes in agentic rollouts": ("multi-turn-last-token", "multi-turn-gae-holes"),
    "reference resets": ("reference-reset", "reference-mixup-weight"),
    "value clipping and decoupled lambda": ("value-clip-loss", "decoupled-lambda-decay", "decoupled-lambda"),
}


def test_issue_28_topics_are_covered_linked_and_sourced() -> None:
    added = [qid for ids in ISSUE_28.values() for qid in ids]
    assert len(added) == len(set(added)) >= 30
    assert len(real_bank().questions) >= 150
    for qid in added:
        q = question(qid)
        assert q.exercise is not None, f"{qid} follows up on no exercise"
        assert q.source["en"] and CJK.search(q.prompt["zh"]), qid
    numeric = [qid for qid in added if question(qid).type == "numeric"]
    assert len(numeric) >= 15 and set(numeric) <= set(RECOMPUTED)


def test_the_quiz_guide_states_the_banks_count_and_topics() -> None:
    readme = (ROOT / "docs" / "quiz.md").read_text(encoding="utf-8")
    count = re.search(r"`questions\.yaml`: (\d+) questions", readme)
    assert count and int(count.group(1)) == len(real_bank().questions), "docs/quiz.md's question count is stale"
    paragraph = readme[readme.index("Topics: `seed-interview`"):readme.index("Most questions name the exercise")]
    listed = re.findall(r"`([a-z0-9-]+)`", paragraph)
    assert len(listed) == len(set(listed)) and set(listed) == set(real_bank().topics()), (
        sorted(set(real_bank().topics()) - set(listed)), sorted(set(listed) - set(real_bank().topics())))
