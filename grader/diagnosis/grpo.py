"""Named mistakes of track 2 (the KL inside GRPO's loss), by behaviour, as grader/diagnosis/engine.py does for
track 1.

Each exercise has a few fixed probes (the first is the main one). A failed submission is called on each;
on a probe where it is wrong, its output is compared with what each catalogued mistake of kind ``model``
would return there (MODELS: the mistaken code, written once here, evaluated in float64). A submission
that is right on every probe is then asked about properties the probes cannot show (DETECTORS: a bf16
result, gradients, NaN on degenerate inputs). Ids, kinds and messages live in grader/data/mistakes.yaml;
the order there is the order tried.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import torch

from grader.checks.support import reference
from grader.isolation.session import CallResult, LearnerError, LearnerSession

Args = list


def _g(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _as64(args: Args) -> Args:
    return [a.double() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args]


def _expected(exercise: str, args: Args) -> torch.Tensor:
    return reference(exercise)(*_as64(args))


def _close(got: Any, want: torch.Tensor) -> bool:
    if not isinstance(got, torch.Tensor) or got.shape != want.shape:
        return False
    got, want = got.double(), want.double()
    both_nan = got.isnan() & want.isnan()
    return bool((both_nan | ((got - want).abs() <= 1e-5 * (want.abs() + 1.0))).all())


# -- probes ----------------------------------------------------------------------------------------------
def _advantage_probes() -> list[Args]:
    # G = 3 groups of n = 5 (G != n, so statistics over the wrong axis show), distinct values, and an eps
    # large enough (0.3) that each place it could go gives a different result.
    rewards = torch.tensor([[1.0, 0.0, 0.5, 2.0, -1.0], [0.2, 0.4, 0.1, 0.9, 0.3], [3.0, -2.0, 1.0, 0.0, 1.5]],
                           dtype=torch.float64)
    single = torch.tensor([[1.0], [0.5], [-2.0]], dtype=torch.float64)  # n = 1: A = 0
    # G = n: statistics without keepdim broadcast along the wrong axis instead of raising.
    square = torch.tensor([[1.0, 0.0, 0.5, 2.0], [0.2, 0.4, 0.1, 0.9], [3.0, -2.0, 1.0, 0.0], [0.5, 0.7, -1.0, 0.3]],
                          dtype=torch.float64)
    # A group of equal rewards, where eps is all the denominator has (a dropped eps gives NaN, a constant one
    # 0), and one of a small spread (std 0.016 < eps: a floor on the std shows).
    equal = torch.tensor([[1.0, 0.0, 0.5, 2.0, -1.0], [0.5, 0.5, 0.5, 0.5, 0.5], [0.50, 0.52, 0.48, 0.51, 0.49]],
                         dtype=torch.float64)
    return [[rewards, True, 0.3], [rewards, False, 0.3], [rewards, True, 1e-6], [single, True, 0.3],
            [single, False, 0.3], [square, True, 0.3], [equal, True, 0.3]]


def _logprob_probes() -> list[Args]:
    # (B, T, V) = (2, 4, 6) with labels < T, so a gather on dim 1 is defined (and wrong); then 2-D.
    g = _g(83)
    logits = 2.0 * torch.randn(2, 4, 6, generator=g, dtype=torch.float64)
    labels = torch.randint(0, 4, (2, 4), generator=g)
    flat = 2.0 * torch.randn(5, 6, generator=g, dtype=torch.float64)
    return [[logits, labels], [flat, torch.randint(0, 5, (5,), generator=g)]]


AGG_MODES = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "dr-grpo")


def _aggregation_probes() -> list[Args]:
    # Right-padded rows of lengths 5, 3, 1, 2 (no empty row: NaN from 0 / 0 is a property, below), then a
    # batch with an empty row for the two seq means.
    g = _g(89)
    loss = torch.randn(4, 5, generator=g, dtype=torch.float64) + 0.5
    mask = (torch.arange(5)[None] < torch.tensor([5, 3, 1, 2])[:, None]).double()
    empty_row = mask.clone()
    empty_row[2] = 0.0
    return ([[loss, mask, mode] for mode in AGG_MODES]
            + [[loss, empty_row, mode] for mode in ("seq-mean-token-mean", "seq-mean-token-sum")])


KL_BASES = ("k1", "kl", "abs", "k2", "mse", "k3", "low_var_kl")


def _kl_probes() -> list[Args]:
    # Log-ratios u = ref - logprob over [-4, 4], some beyond 2.61 where verl caps k3 at 10; every mode.
    u = torch.linspace(-4.0, 4.0, 12, dtype=torch.float64).reshape(3, 4) + 0.05
    logprob = -torch.linspace(0.5, 4.0, 12, dtype=torch.float64).reshape(3, 4)
    return [[logprob, logprob + u, mode] for mode in KL_BASES + tuple(b + "+" for b in KL_BASES)]


def _grpo_probes() -> list[Args]:
    # B = 3, T = 5, ragged lengths 5, 2, 4; ratios 0.5..1.7 (both clip sides), advantages of both signs,
    # beta 0.3 (so the KL term shows), a sequence mean (so the KL's own aggregation shows), clip-higher;
    # then a token mean, and a sequence sum (a mode left unread shows on one of them).
    g = _g(97)
    logp = -(0.2 + 3.0 * torch.rand(3, 5, generator=g, dtype=torch.float64))
    old = logp + 0.4 * torch.randn(3, 5, generator=g, dtype=torch.float64)
    ref = logp + (0.8 * torch.randn(3, 5, generator=g, dtype=torch.float64)).clamp(-2, 2)
    adv = torch.tensor([1.9, -0.7, 0.4], dtype=torch.float64)  # 1.9 > 1 + eps_high: a clipped A shows
    mask = (torch.arange(5)[None] < torch.tensor([5, 2, 4])[:, None]).double()
    return [[logp, old, ref, adv, mask, 0.2, 0.3, "seq-mean-token-mean", 0.28],
            [logp, old, ref, adv, mask, 0.2, 0.3, "token-mean", None],
            [logp, old, ref, adv, mask, 0.2, 0.3, "seq-mean-token-sum", None]]


def _large_ratio_probe() -> Args:
    """Ratios up to e^2 = 7.4 against negative advantages, where verl's dual-clip (at 3) bites."""
    logp = -torch.linspace(0.5, 3.0, 12, dtype=torch.float64).reshape(3, 4)
    u = torch.linspace(-2.0, 2.0, 12, dtype=torch.float64).reshape(3, 4)
    adv = torch.tensor([0.8, -0.6, -1.4], dtype=torch.float64)
    mask = torch.ones(3, 4, dtype=torch.float64)
    return [logp, logp - u, logp + 0.3, adv, mask, 0.2, 0.3, "token-mean", None]


PROBES: dict[str, Callable[[], list[Args]]] = {
    "grpo_loss": _grpo_probes, "kl_penalty": _kl_probes, "grpo_advantages": _advantage_probes,
    "token_logprobs": _logprob_probes, "aggregate_loss": _aggregation_probes,
}


# -- what each mistake returns (float64 inputs) -------------------------------------------------------------
def _adv_parts(args: Args) -> tuple[torch.Tensor, bool, float, torch.Tensor]:
    r, scale, eps = args
    return r, scale, eps, r - r.mean(-1, keepdim=True)


def _population_std(args: Args) -> list:
    r, scale, eps, c = _adv_parts(args)
    return [c / (r.std(-1, keepdim=True, unbiased=False) + eps)] if scale else []


def _eps_in_sqrt(args: Args) -> list:
    r, scale, eps, c = _adv_parts(args)
    if not scale:
        return []
    return [c / torch.sqrt(r.var(-1, keepdim=True) + eps),
            c / torch.sqrt(r.var(-1, keepdim=True, unbiased=False) + eps)]


def _eps_misplaced(args: Args) -> list:
    r, scale, eps, c = _adv_parts(args)
    if not scale:
        return []
    std = r.std(-1, keepdim=True)
    # after the division, on the numerator, dropped, or as a floor on the std
    return [c / std + eps, (c + eps) / std, c / std, c / std.clamp(min=eps)]


def _std_wrong_axis(args: Args) -> list:
    r, scale, eps, c = _adv_parts(args)
    if not scale:
        return [r - r.mean(0, keepdim=True), r - r.mean()]
    return [(r - r.mean(0, keepdim=True)) / (r.std(0, keepdim=True) + eps), c / (r.std(0, keepdim=True) + eps),
            c / (r.std() + eps), (r - r.mean()) / (r.std() + eps),
            (r - r.mean(0, keepdim=True)) / (r.std(-1, keepdim=True) + eps)]


def _eps_fixed(args: Args) -> list:
    r, scale, eps, c = _adv_parts(args)
    if not scale or r.shape[-1] < 2:
        return []
    std = r.std(-1, keepdim=True)
    return [c / (std + k) for k in (1e-4, 1e-5, 1e-6, 1e-8, 1e-9) if abs(k - eps) > 1e-12]


def _no_keepdim(args: Args) -> list:
    r, scale, eps, _ = _adv_parts(args)
    if r.shape[0] != r.shape[-1]:
        return []  # (G, n) with G != n: the broadcast raises
    c = r - r.mean(-1)
    return [c / (r.std(-1) + eps), c / (r.std(-1, keepdim=True) + eps)] if scale else [c]


def _scale_inverted(args: Args) -> list:
    r, scale, eps, c = _adv_parts(args)
    # Only scale=True tells it apart (centred only); with scale=False it looks like scale ignored.
    return [c] if scale and r.shape[-1] > 1 else []


def _not_centered(args: Args) -> list:
    r, scale, eps, _ = _adv_parts(args)
    return [r / (r.std(-1, keepdim=True) + eps)] if scale else [r]


def _scale_ignored(args: Args) -> list:
    r, scale, eps, c = _adv_parts(args)
    return [] if scale else [c / (r.std(-1, keepdim=True) + eps)]


def _gather(logp: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return logp.gather(-1, labels.unsqueeze(-1)).squeeze(-1)


def _raw_logits(args: Args) -> list:
    logits, labels = args
    return [_gather(logits, labels)]


def _logprobs_negated(args: Args) -> list:
    logits, labels = args
    return [-_gather(torch.log_softmax(logits, -1), labels)]


def _probabilities(args: Args) -> list:
    logits, labels = args
    return [_gather(torch.softmax(logits, -1), labels)]


def _max_subtracted(args: Args) -> list:
    logits, labels = args
    return [_gather(logits - logits.max(-1, keepdim=True).values, labels)]


def _wrong_dim(args: Args) -> list:
    logits, labels = args
    out = [_gather(torch.log_softmax(logits, 0), labels)]
    if logits.dim() == 3:
        onehot = torch.nn.functional.one_hot(labels, logits.shape[-1]).to(logits.dtype)
        out += [_gather(torch.log_softmax(logits, 1), labels),
                torch.log_softmax(logits, -1).gather(1, labels.unsqueeze(-1)).squeeze(-1),
                (torch.log_softmax(logits, -1) * onehot).sum(1)]  # a one-hot product summed over the sequence
    return out


def _shifted_again(args: Args) -> list:
    logits, labels = args
    if logits.dim() != 3:
        return []
    return [_gather(torch.log_softmax(logits[:, :-1], -1), labels[:, 1:]),
            _gather(torch.log_softmax(logits[:, 1:], -1), labels[:, :-1])]


def _agg(loss: torch.Tensor, mask: torch.Tensor, mode: str) -> torch.Tensor:
    return reference("aggregate_loss")(loss, mask, mode)


def _agg_denominator(args: Args) -> list:
    loss, mask, mode = args
    masked, (batch, length) = loss * mask, loss.shape
    if mode == "token-mean":
        return [masked.sum() / loss.numel()]
    if mode == "seq-mean-token-mean":
        return [(masked.sum(-1) / length).mean()]
    return []


def _agg_unmasked(args: Args) -> list:
    loss, mask, mode = args
    batch = max(loss.shape[0], 1)
    counted = {"token-mean": [loss.sum() / mask.sum().clamp(min=1)],  # padding in the numerator only
               "seq-mean-token-mean": [(loss.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / batch]}
    return [_agg(loss, torch.ones_like(mask), mode), *counted.get(mode, [])]


def _drgrpo_over_length(args: Args) -> list:
    loss, mask, mode = args
    return [(loss * mask).sum() / max(loss.shape[-1], 1)] if mode == "dr-grpo" else []


def _seq_sum_not_averaged(args: Args) -> list:
    loss, mask, mode = args
    return [(loss * mask).sum()] if mode == "seq-mean-token-sum" else []


def _agg_confused(args: Args) -> list:
    loss, mask, mode = args
    return [_agg(loss, mask, other) for other in AGG_MODES if other != mode]


def _agg_skips_empty(args: Args) -> list:
    loss, mask, mode = args
    rows = mask.sum(-1) > 0
    if mode not in ("seq-mean-token-mean", "seq-mean-token-sum") or bool(rows.all()):
        return []
    return [_agg(loss[rows], mask[rows], mode)]


def _kl_value(logprob: torch.Tensor, ref: torch.Tensor, mode: str) -> torch.Tensor:
    return reference("kl_penalty")(logprob, ref, mode)


def _kl_sign(args: Args) -> list:
    logprob, ref, mode = args
    return [-_kl_value(logprob, ref, mode)] if mode.rstrip("+") in ("k1", "kl") else []


def _kl_ratio_inverted(args: Args) -> list:
    logprob, ref, mode = args
    return [_kl_value(ref, logprob, mode)] if mode.rstrip("+") in ("k3", "low_var_kl") else []


def _kl_missing_half(args: Args) -> list:
    logprob, ref, mode = args
    return [(logprob - ref) ** 2] if mode.rstrip("+") in ("k2", "mse") else []


def _kl_st_reversed(args: Args) -> list:
    logprob, ref, mode = args
    return [0.5 * (logprob - ref) ** 2] if mode.endswith("+") and mode[:-1] not in ("k2", "mse") else []


def _kl_unclamped(args: Args) -> list:
    logprob, ref, mode = args
    if mode.rstrip("+") not in ("k3", "low_var_kl"):
        return []
    u = ref - logprob
    return [torch.expm1(u) - u, torch.expm1(u.clamp(-20, 20)) - u.clamp(-20, 20)]


def _kl_clamp_bounds(args: Args) -> list:
    """k3 clamped elsewhere than verl's [-20, 20] (log-ratio) and [-10, 10] (value): the bounds swapped,
    or another cap on the value (the largest value returned) or on the log-ratio."""
    logprob, ref, mode = args
    if mode.rstrip("+") not in ("k3", "low_var_kl"):
        return []

    def k3(lo: float, hi: float, cap: float) -> torch.Tensor:
        u = (ref - logprob).clamp(lo, hi)
        return (torch.expm1(u) - u).clamp(-cap, cap)

    out = [k3(-10, 10, 20), k3(-20, 20, 20), k3(-20, 20, 5), k3(-20, 20, 1)]
    out += [k3(-c, c, 10) for c in (1.0, 2.0, 3.0)]
    return out


def _grpo_variant(args: Args, *, ratio_sign: float = 1.0, pick: Callable = torch.min, sign: float = -1.0,
                  kl_sign: float = 1.0, clip_adv: bool = False, high: float | None = None, clip: bool = True,
                  kl_inside: bool = True, denominators: str = "mask", kl: str = "k3", kl_ratio: float = 1.0,
                  mode: str | None = None, dual_c: float | None = None) -> list:
    """The GRPO loss with one thing changed (by keyword); the unchanged call is the reference."""
    logp, old, ref, adv, mask, eps, beta, given_mode, eps_high = args
    mode = given_mode if mode is None else mode
    hi = (eps if eps_high is None else eps_high) if high is None else high
    a = adv[:, None]
    rho = torch.exp(ratio_sign * (logp - old))
    if not clip:
        pg = rho * a
    elif clip_adv:
        pg = pick(rho * a, rho * torch.clamp(a, 1 - eps, 1 + hi))
    else:
        pg = pick(rho * a, torch.clamp(rho, 1 - eps, 1 + hi) * a)
    if dual_c is not None:  # verl's dual-clip: for A < 0 the loss -pg is capped at -c A
        pg = torch.where(a < 0, torch.maximum(pg, dual_c * a), pg)
    lr = kl_ratio * (ref - logp)
    k3 = {"k3": torch.exp(lr) - lr - 1, "k1": -lr, "k2": lr * lr / 2, "none": torch.zeros_like(lr)}[kl]
    if kl_inside:
        per_token = sign * pg + kl_sign * beta * k3
        if denominators == "mask":
            return [_agg(per_token, mask, mode)]
        masked, (_, length) = per_token * mask, per_token.shape
        return [masked.sum() / per_token.numel()] if mode == "token-mean" else [(masked.sum(-1) / length).mean()]
    pg_loss = _agg(sign * pg, mask, mode)
    return [pg_loss + beta * k3.mean(), pg_loss + beta * _agg(k3, mask, "token-mean"),
            pg_loss + beta * (k3 * mask).sum()]


def _grpo_model(**change: Any) -> Callable[[Args], list]:
    return lambda args: _grpo_variant(args, **change)


def _grpo_high_ignored(args: Args) -> list:
    return [] if args[8] is None else _grpo_variant(args, high=args[5])


def _grpo_mode_ignored(args: Args) -> list:
    return [o for other in AGG_MODES if other != args[7] for o in _grpo_variant(args, mode=other)]


# mistake id -> {exercise: what the mistaken code returns there}; one id may name the same slip in two
# exercises (a mask left out of a denominator, say).
def _single_uncentred(args: Args) -> list:
    r, scale, eps, _ = _adv_parts(args)
    if r.shape[-1] != 1:
        return []
    return [r / (1.0 + eps), r] if scale else [r]


MODELS: dict[str, dict[str, Callable[[Args], list]]] = {
    "adv_single_uncentred": {"grpo_advantages": _single_uncentred},
    "logits_not_normalised": {"token_logprobs": _raw_logits},
    "gather_wrong_dim": {"token_logprobs": _wrong_dim},
    "labels_shifted_again": {"token_logprobs": _shifted_again},
    "adv_population_std": {"grpo_advantages": _population_std},
    "adv_eps_in_sqrt": {"grpo_advantages": _eps_in_sqrt},
    "adv_eps_misplaced": {"grpo_advantages": _eps_misplaced},
    "adv_wrong_axis": {"grpo_advantages": _std_wrong_axis},
    "adv_not_centered": {"grpo_advantages": _not_centered},
    "adv_scale_ignored": {"grpo_advantages": _scale_ignored},
    "adv_scale_inverted": {"grpo_advantages": _scale_inverted},
    "adv_eps_fixed": {"grpo_advantages": _eps_fixed},
    "adv_no_keepdim": {"grpo_advantages": _no_keepdim},
    "logprobs_sign_flipped": {"token_logprobs": _logprobs_negated},
    "probs_not_logprobs": {"token_logprobs": _probabilities},
    "max_not_logsumexp": {"token_logprobs": _max_subtracted},
    "kl_wrong_sign": {"kl_penalty": _kl_sign, "grpo_loss": _grpo_model(kl_sign=-1.0)},
    "ratio_inverted": {"kl_penalty": _kl_ratio_inverted, "grpo_loss": _grpo_model(kl_ratio=-1.0)},
    "ppo_ratio_inverted": {"grpo_loss": _grpo_model(ratio_sign=-1.0)},
    "kl_term_missing": {"grpo_loss": _grpo_model(kl="none")},
    "wrong_estimator_k1": {"grpo_loss": _grpo_model(kl="k1")},
    "wrong_estimator_k2": {"grpo_loss": _grpo_model(kl="k2")},
    "k3_clamp_bounds": {"kl_penalty": _kl_clamp_bounds},
    "drgrpo_over_length": {"aggregate_loss": _drgrpo_over_length},
    "seq_sum_not_averaged": {"aggregate_loss": _seq_sum_not_averaged},
    "surrogate_max": {"grpo_loss": _grpo_model(pick=torch.max)},
    "surrogate_sign": {"grpo_loss": lambda args: _grpo_variant(args, sign=1.0) + [-x for x in _grpo_variant(args)]},
    "clip_on_advantage": {"grpo_loss": _grpo_model(clip_adv=True)},
    "clip_high_ignored": {"grpo_loss": _grpo_high_ignored},
    "no_clip": {"grpo_loss": _grpo_model(clip=False)},
    "kl_after_aggregation": {"grpo_loss": _grpo_model(kl_inside=False)},
    "missing_half": {"kl_penalty": _kl_missing_half},
    "straight_through_reversed": {"kl_penalty": _kl_st_reversed},
    "k3_not_clamped": {"kl_penalty": _kl_unclamped},
    "mask_ignored_denominator": {"aggregate_loss": _agg_denominator, "grpo_loss": _grpo_model(denominators="all")},
    "mask_ignored": {"aggregate_loss": _agg_unmasked},
    "agg_modes_confused": {"aggregate_loss": _agg_confused, "grpo_loss": _grpo_mode_ignored},
    "agg_skips_empty_rows": {"aggregate_loss": _agg_skips_empty},
}


# -- properties the probes cannot show ---------------------------------------------------------------------
def _nan_degenerate(session: LearnerSession, exercise: str) -> bool:
    """NaN (or inf) for a group of one sample or a group of equal rewards, where 0 is due."""
    for rewards in (torch.tensor([[1.0], [0.0]]), torch.tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])):
        out = session.call(exercise, [rewards, True, 1e-6]).out
        if not bool(torch.isfinite(out).all()):
            return True
    return False


def _softmax_then_log(session: LearnerSession, exercise: str) -> bool:
    """-inf or NaN for a token 200 logits below the top one (float32), where the true value is finite."""
    logits = torch.tensor([[0.0, -200.0, 5.0], [150.0, 0.0, -60.0]])
    out = session.call(exercise, [logits, torch.tensor([1, 2])]).out
    return not bool(torch.isfinite(out).all())


def _no_upcast(session: LearnerSession, exercise: str) -> bool:
    """bf16 logits: a bf16 result, or a float32 one only as accurate as bf16 arithmetic."""
    logits, labels = _logprob_probes()[0]
    logits = (logits * 8.0).bfloat16()
    out = session.call(exercise, [logits, labels]).out
    if out.dtype in (torch.bfloat16, torch.float16):
        return True
    want = _expected(exercise, [logits, labels])
    err = float((out.double() - want).abs().max()) if out.shape == want.shape else 0.0
    return 1e-3 < err < 1.0


def _downcast(session: LearnerSession, exercise: str) -> bool:
    logits, labels = _logprob_probes()[0]
    out = session.call(exercise, [logits, labels]).out
    return out.dtype != torch.float64 or not bool(((out - _expected(exercise, [logits, labels])).abs() < 1e-12).all())


def _agg_nan(session: LearnerSession, exercise: str) -> bool:
    for loss, mask in ((torch.ones(2, 3), torch.zeros(2, 3)), (torch.ones(0, 3), torch.zeros(0, 3)),
                       (torch.ones(2, 3), torch.tensor([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]))):
        for mode in AGG_MODES:
            if not bool(torch.isfinite(session.call(exercise, [loss, mask, mode]).out).all()):
                return True
    return False


def _agg_no_mode_error(session: LearnerSession, exercise: str) -> bool:
    try:
        session.call(exercise, [torch.ones(2, 3), torch.ones(2, 3), "token_mean"])
    except LearnerError as exc:
        message = str(exc.detail.get("message", ""))
        return not (exc.detail.get("type") == "ValueError" and all(m in message for m in AGG_MODES))
    return True


def _kl_grad(session: LearnerSession, exercise: str, args: Args) -> torch.Tensor | None:
    go = torch.ones(args[0].shape, dtype=args[0].dtype)
    grads = session.call(exercise, args, grad=[True, False, False], grad_output=go).grads
    return grads[0] if grads else None


def _k3_output_clamp_only(session: LearnerSession, exercise: str) -> bool:
    """float32 log-ratios up to 100: a NaN or inf gradient where exp overflowed under a clamped value."""
    logprob = torch.full((1, 4), -40.0)
    ref = logprob + torch.tensor([[1.0, 30.0, 95.0, -100.0]])
    for mode in ("k3", "low_var_kl"):
        grad = _kl_grad(session, exercise, [logprob, ref, mode])
        if grad is not None and not bool(torch.isfinite(grad).all()):
            return True
    return False


def _straight_through_missing(session: LearnerSession, exercise: str) -> bool:
    """A "+" mode whose gradient is the plain mode's, not k2's."""
    logprob, ref, _ = _kl_probes()[0]
    for base in ("k3", "k1", "abs"):
        grad = _kl_grad(session, exercise, [logprob, ref, base + "+"])
        if grad is None:
            continue
        k2_grad = logprob - ref
        if not _close(grad, k2_grad):
            return True
    return False


def _kl_no_mode_error(session: LearnerSession, exercise: str) -> bool:
    try:
        session.call(exercise, [torch.zeros(2), torch.zeros(2), "k4"])
    except LearnerError as exc:
        message = str(exc.detail.get("message", ""))
        return not (exc.detail.get("type") == "ValueError" and all(m in message for m in KL_BASES))
    return True


def _mode_not_handled(session: LearnerSession, exercise: str) -> bool:
    """A valid mode (verl's long names, say) raises, while the function computes the others."""
    ran, refused = False, False
    for logprob, ref, mode in _kl_probes():
        try:
            session.call(exercise, [logprob, ref, mode])
            ran = True
        except LearnerError as exc:
            if exc.kind != "exception":
                raise
            refused = True
    return ran and refused


def _dual_clip(session: LearnerSession, exercise: str) -> bool:
    """verl's dual-clip at clip_ratio_c = 3: right at ordinary ratios, the loss of A < 0 capped at large ones."""
    args = _large_ratio_probe()
    out = session.call(exercise, args).out
    return not _close(out, _expected(exercise, args)) and _close(out, _grpo_variant(args, dual_c=3.0)[0])


def _detached(session: LearnerSession, exercise: str) -> bool:
    """No gradient reaches logp (no_grad, .detach(), .item())."""
    args = _grpo_probes()[0]
    result = session.call(exercise, args, grad=[True] + [False] * 8,
                          grad_output=torch.tensor(1.0, dtype=torch.float64))
    return not result.requires_grad or not result.grads or result.grads[0] is None


def _grad_leak(session: LearnerSession, exercise: str) -> bool:
    """A nonzero gradient reaching old_logp, ref_logp or the advantages."""
    args = _grpo_probes()[0]
    flags = [True, True, True, True] + [False] * 5
    grads = session.call(exercise, args, grad=flags, grad_output=torch.tensor(1.0, dtype=torch.float64)).grads
    return any(g is not None and bool((g != 0).any()) for g in (grads or [])[1:])


DETECTORS: dict[str, Callable[[LearnerSession, str], bool]] = {
    "grad_leak": _grad_leak, "detached": _detached,
    "k3_output_clamp_only": _k3_output_clamp_only, "straight_through_missing": _straight_through_missing,
    "kl_no_mode_error": _kl_no_mode_error, "mode_not_handled": _mode_not_handled, "dual_clip": _dual_clip,
    "agg_nan_when_empty": _agg_nan, "agg_no_mode_error": _agg_no_mode_error,
    "adv_nan_degenerate": _nan_degenerate, "softmax_then_log": _softmax_then_log, "no_upcast": _no_upcast,
    "logprobs_downcast": _downcast,
}


def _mutated(args: Args, result: CallResult) -> bool:
    if result.restrided and any(result.restrided):
        return True
    return any(isinstance(a, torch.Tensor) and not (isinstance(b, torch.Tensor) and b.shape == a.shape
                                                    and bool(((a == b) | (a.isnan() & b.isnan())).all()))
               for a, b in zip(args, result.args_after))


# Conventions whose detectors ask about inputs of their own, whatever the values elsewhere: they can be
# named beside a core mistake (a NaN for an empty mask, a gradient into old_logp).
BESIDE = ("grad_leak", "kl_no_mode_error", "agg_nan_when_empty", "agg_no_mode_error")


def diagnose(session: LearnerSession, exercise: str, mistakes: tuple, allowed: tuple = ()) -> dict | None:
    """The first catalogued mistake (``mistakes``, in the catalogue's order) the function behaves like, with
    the conventions it also misses beside it (from ``allowed``, which a core failure does not narrow)."""
    from grader.diagnosis.engine import _reduced, composites_of, detected, nondeterministic

    by_id = {m.id: m for m in mistakes}
    beside = [m for m in allowed or mistakes if m.id in BESIDE and m.convention]

    def named(m: Any, others: list = ()) -> dict:
        extra = list(others) + detected([b for b in beside if b.id != m.id], lambda b: DETECTORS.get(b.id),
                                        session, exercise)
        return m.diagnosis(also=extra)

    probes = PROBES[exercise]()
    asked_twice = False
    # Per mistake (or composite), the probes where the function is wrong that it explains: the diagnosis is
    # the one that explains most of them (the catalogue's order breaks ties), so that a constant eps of 1e-9,
    # like a dropped eps on ordinary groups but not on a group of equal rewards, is told apart from it.
    explained: dict[str, int] = {}
    candidates = [(m.id, m, [], MODELS.get(m.id, {}).get(exercise)) for m in mistakes]
    candidates += [(c.id, parts[0], parts[1:], MODELS.get(c.id, {}).get(exercise))
                   for c, parts in composites_of(exercise, mistakes)]
    for n, args in enumerate(probes):
        try:
            result = session.call(exercise, args)
        except LearnerError as exc:
            if n == 0 and exc.kind == "exception" and exc.detail.get("type") == "NotATensor":
                key = "no_return" if exc.detail.get("message") == "NoneType" else "not_a_tensor"
                return by_id[key].diagnosis() if key in by_id else None
            continue
        if _mutated(args, result) and "input_mutated" in by_id:
            return by_id["input_mutated"].diagnosis()
        if not asked_twice and "nondeterministic" in by_id:
            asked_twice = True
            if nondeterministic(session, exercise, args, result.out):
                return by_id["nondeterministic"].diagnosis()
        want = _expected(exercise, args)
        if _close(result.out, want):
            continue
        if isinstance(result.out, torch.Tensor) and result.out.shape != want.shape and "reduced" in by_id and any(
                _reduced(result.out, w, torch.ones(())) for w in (want, -want)):
            return named(by_id["reduced"])  # e.g. cross_entropy's default mean
        for key, _, _, model in candidates:  # (a track-1 id reused here has its model too)
            if model is not None and _matches(result.out, model, args):
                explained[key] = explained.get(key, 0) + 1
        # Wrong here in a way no model explains (NaN from 0 / 0, say): the other probes and the
        # properties below may still name it.
    if explained:
        best = max(explained.values())
        key, m, others, _ = next(c for c in candidates if explained.get(c[0]) == best)
        return named(m, others)
    found = detected([m for m in mistakes if m.kind == "property"], lambda m: DETECTORS.get(m.id), session, exercise)
    return found[0].diagnosis(also=[m for m in found[1:] if m.convention]) if found else None


def _matches(out: Any, model: Callable[[Args], list], args: Args) -> bool:
    with warnings.catch_warnings():  # torch.std of one sample warns; the model's NaN matches nothing
        warnings.simplefilter("ignore")
        outputs = model(_as64(args))
    # A model that gives NaN here names nothing (NaN is the detectors' business).
    return any(_close(out, o) for o in outputs if not bool(o.isnan().any()))
