"""Named mistakes of track 4 (RLOO, rollout importance weights, GSPO, CISPO, GKD's JSD), by behaviour.

As in grader/diagnosis/grpo.py: each exercise has fixed probes (the first is the main one, of a shape no
hidden check uses); a failed submission is called on each, and on a probe where it is wrong its output is
compared with what each catalogued mistake of kind ``model`` returns there (MODELS: the mistaken code,
written once here, in float64). Several of these mistakes show only in the gradient (a weight that is not
detached, a ratio that is): on the gradient probes the learner's gradient with respect to the first
argument is compared too, the model's computed by autograd on the same formula. A submission right on
every probe is then asked about properties the probes cannot show (DETECTORS). Ids, kinds and messages
live in grader/data/mistakes.yaml; the order there is the order tried.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import torch

from grader.checks.support import _LEFT_DEVICE, reference
from grader.checks.track4 import lengths_mask
from grader.diagnosis.engine import detected
from grader.isolation.session import LearnerError, LearnerSession

Args = list
Model = Callable[[Args], list]  # the mistaken outputs (alternatives) on float64 inputs


@dataclass(frozen=True)
class Probe:
    args: Args
    grad: bool = False  # also compare the gradient with respect to the first argument


def _g(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _as64(args: Args) -> Args:
    return [a.double() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args]


# -- probes (float64; shapes no hidden check uses) ---------------------------------------------------------
def _rloo_probes() -> list[Probe]:
    # G = 3 groups of n = 6 (G != n: a baseline over the wrong axis shows); then groups of one and of two
    # (shapes no check uses either, so that a cache keyed by shape does not answer them).
    rewards = torch.tensor([[1.0, 0.0, 0.5, 2.0, -1.0, 0.25], [0.2, 0.4, 0.1, 0.9, 0.3, 0.0],
                            [3.0, -2.0, 1.0, 0.0, 1.5, 0.5]], dtype=torch.float64)
    pairs = torch.tensor([[1.0, 0.0], [0.25, 0.75], [2.0, -1.0], [0.5, 0.5], [-1.0, 3.0]], dtype=torch.float64)
    return [Probe([rewards]), Probe([torch.tensor([[1.0], [-2.0]], dtype=torch.float64)]), Probe([pairs])]


IS_LEVELS = ("token", "sequence", "geometric")
IS_MODES = ("truncate", "mask")


def _is_tensors() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(4, 7): rows of 7, 4, 2 and 5 real tokens; per-token gaps u in [-1, 1]; sequence sums and means of both
    signs, some rows above the cap 1.3 and some below at every level; other gaps at padding."""
    u = torch.tensor([[0.9, -0.4, 0.6, 0.3, -0.8, 0.5, 0.2], [-0.7, -0.3, 0.4, -0.6, 0.8, -0.9, 0.7],
                      [0.5, 0.35, -0.5, 0.9, -0.6, 0.4, 0.1], [-0.2, 0.1, -0.9, 0.3, -0.45, 0.6, -0.3]],
                     dtype=torch.float64)
    mask = lengths_mask([7, 4, 2, 5], 7)
    rollout = -(0.3 + 3.0 * torch.rand(4, 7, generator=_g(101), dtype=torch.float64))
    return rollout + u, rollout, mask


def _is_probes() -> list[Probe]:
    train, rollout, mask = _is_tensors()
    probes = [Probe([train, rollout, mask, 1.3, level, mode]) for level in IS_LEVELS for mode in IS_MODES]
    return probes + [Probe([train, rollout, mask, 1.3, level, "truncate"], grad=True) for level in IS_LEVELS]


def _policy_tensors(seed: int, lengths: list[int], length: int, spread: float) -> tuple[torch.Tensor, ...]:
    g = _g(seed)
    logp = -(0.2 + 3.0 * torch.rand(len(lengths), length, generator=g, dtype=torch.float64))
    old = logp - spread * torch.randn(len(lengths), length, generator=g, dtype=torch.float64)
    mask = lengths_mask(lengths, length)
    return logp, torch.where(mask > 0, old, old + 1.7), mask


def _gspo_probes() -> list[Probe]:
    # (5, 8), rows of 8, 5, 0, 6 and 1 real tokens; mean log-ratios of both signs, some beyond 1 +- 0.1.
    logp, old, mask = _policy_tensors(103, [8, 5, 0, 6, 1], 8, 0.35)
    adv = torch.tensor([1.2, -0.7, 0.4, -1.5, 0.9], dtype=torch.float64)
    per_token = adv[:, None] * torch.linspace(-0.5, 1.5, 8, dtype=torch.float64)[None]
    return [Probe([logp, old, adv, mask, 0.1, None, False]), Probe([logp, old, adv, mask, 0.05, 0.2, False]),
            Probe([logp, old, per_token, mask, 0.1, None, True]),
            Probe([logp, old, adv, mask, 0.1, None, False], grad=True),
            Probe([logp, old, per_token, mask, 0.1, 0.15, True], grad=True)]


CISPO_MODES = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "dr-grpo")


def _cispo_probes() -> list[Probe]:
    # (5, 8), rows of 8, 5, 0, 6 and 1 real tokens: ratios from e^-1.9 to e^1.9, so both bounds (0.8, 1.28)
    # and the cap 5 are reached.
    logp, old, mask = _policy_tensors(107, [8, 5, 0, 6, 1], 8, 0.8)
    adv = torch.tensor([1.2, -0.7, 0.4, -1.5, 0.9], dtype=torch.float64)
    probes = [Probe([logp, old, adv, mask, 0.2, 0.28, "token-mean"]),
              Probe([logp, old, adv, mask, None, 4.0, "seq-mean-token-mean"])]
    probes += [Probe([logp, old, adv, mask, 0.2, 0.28, mode]) for mode in CISPO_MODES[1:]]
    return probes + [Probe([logp, old, adv, mask, 0.2, 0.28, "token-mean"], grad=True),
                     Probe([logp, old, adv, mask, None, 0.28, "seq-mean-token-mean"], grad=True)]


def _jsd_probes() -> list[Probe]:
    # (3, 5, 4), rows of 5, 2 and 4 real tokens; other logits at padding.
    g = _g(109)
    student = 1.5 * torch.randn(3, 5, 4, generator=g, dtype=torch.float64)
    teacher = student + torch.randn(3, 5, 4, generator=g, dtype=torch.float64) + 0.2
    mask = lengths_mask([5, 2, 4], 5)
    pad = (mask == 0)[..., None]
    student, teacher = torch.where(pad, -2 * student, student), torch.where(pad, 3 * teacher, teacher)
    probes = [Probe([student, teacher, beta, mask]) for beta in (0.3, 0.0, 1.0, 0.5)]
    return probes + [Probe([student, teacher, 0.3, mask], grad=True), Probe([student, teacher, 0.0, mask], grad=True)]


PROBES: dict[str, Callable[[], list[Probe]]] = {
    "rloo_advantages": _rloo_probes, "is_weights": _is_probes, "gspo_loss": _gspo_probes,
    "cispo_loss": _cispo_probes, "generalized_jsd": _jsd_probes,
}


# -- rloo_advantages ----------------------------------------------------------------------------------------
def _rloo_parts(args: Args) -> tuple[torch.Tensor, int, torch.Tensor]:
    r = args[0]
    return r, r.shape[-1], r.sum(-1, keepdim=True)


def _rloo(args: Args) -> torch.Tensor:
    return reference("rloo_advantages")(args[0])


def rloo_includes_self(args: Args) -> list:
    r, n, s = _rloo_parts(args)
    return [r - s / n] if n > 1 else []


def rloo_wrong_divisor(args: Args) -> list:
    r, n, s = _rloo_parts(args)
    return [r - (s - r) / n, r - s / (n - 1)] if n > 1 else []


def rloo_std_normalised(args: Args) -> list:
    r, n, s = _rloo_parts(args)
    if n < 2:
        return []
    a, c = _rloo(args), r - s / n
    out = []
    for unbiased in (True, False):
        std = r.std(-1, keepdim=True, unbiased=unbiased)
        out += [x / (std + eps) for x in (a, c) for eps in (0.0, 1e-8, 1e-6, 1e-4)]
    return out


def rloo_wrong_axis(args: Args) -> list:
    r, n, _ = _rloo_parts(args)
    out = []
    if r.shape[0] > 1:
        out.append(r - (r.sum(0, keepdim=True) - r) / (r.shape[0] - 1))
    if r.numel() > 1:
        out.append(r - (r.sum() - r) / (r.numel() - 1))
    return out


def rloo_sign_flipped(args: Args) -> list:
    return [-_rloo(args)] if args[0].shape[-1] > 1 else []


def rloo_factor_wrong(args: Args) -> list:
    r, n, s = _rloo_parts(args)
    if n < 2:
        return []
    mean, k = s / n, n / (n - 1)
    return [k * r - mean, r - k * mean, (r - mean) / k]


def rloo_baseline_returned(args: Args) -> list:
    r, n, s = _rloo_parts(args)
    return [(s - r) / (n - 1)] if n > 1 else []


def rloo_single_keeps_reward(args: Args) -> list:
    r, n, _ = _rloo_parts(args)
    return [r] if n == 1 else []


# -- is_weights ---------------------------------------------------------------------------------------------
def _weights(train: torch.Tensor, rollout: torch.Tensor, mask: torch.Tensor, cap: float, level: str, mode: str, *,
             sign: float = 1.0, count_padding: bool = False, divide_by_length: bool = False,
             lower: float | None = None, masked_value: float = 0.0, keep_above: bool = False,
             cap_on_log: bool = False) -> torch.Tensor:
    """is_weights with one thing changed (by keyword), zero at padding; the unchanged call is the reference."""
    real = mask > 0
    u = sign * (train - rollout)
    if not count_padding:
        u = torch.where(real, u, torch.zeros_like(u))
    if level == "token":
        lw = u
    else:
        total = u.sum(-1, keepdim=True)
        if level == "geometric":
            count = torch.full_like(total, u.shape[-1]) if divide_by_length else real.sum(-1, keepdim=True).clamp(min=1)
            total = total / count
        lw = total.expand_as(u)
    w = lw.exp()
    if mode == "truncate":
        w = torch.exp(lw.clamp(max=cap)) if cap_on_log else w.clamp(min=lower, max=cap)
    else:
        keep = lw <= cap if cap_on_log else (w > cap if keep_above else w <= cap)
        if lower is not None:
            keep = keep & (w >= lower)
        w = torch.where(keep, w, torch.full_like(w, masked_value))
    return torch.where(real, w, torch.zeros_like(w))


def _is_model(**change: Any) -> Model:
    return lambda args: [_weights(*args, **change)]


def is_levels_confused(args: Args) -> list:
    train, rollout, mask, cap, level, mode = args
    return [_weights(train, rollout, mask, cap, other, mode) for other in IS_LEVELS if other != level]


def is_modes_swapped(args: Args) -> list:
    train, rollout, mask, cap, level, mode = args
    return [_weights(train, rollout, mask, cap, level, "mask" if mode == "truncate" else "truncate")]


def is_padding_counted(args: Args) -> list:
    train, rollout, mask, cap, level, mode = args
    if level == "token":
        return []
    out = [_weights(*args, count_padding=True)]
    if level == "geometric":
        out += [_weights(*args, divide_by_length=True), _weights(*args, count_padding=True, divide_by_length=True)]
    return out


def is_mask_inverted(args: Args) -> list:
    return [_weights(*args, keep_above=True)] if args[5] == "mask" else []


def is_masked_to_one(args: Args) -> list:
    return [_weights(*args, masked_value=1.0)] if args[5] == "mask" else []


def is_arithmetic_mean(args: Args) -> list:
    """The geometric level as mean_t exp(u_t) over the row's real tokens (or over all T), then capped."""
    train, rollout, mask, cap, level, mode = args
    if level != "geometric":
        return []
    real = mask > 0
    r = torch.where(real, (train - rollout).exp(), torch.zeros_like(train))
    out = []
    for count in (real.sum(-1, keepdim=True).clamp(min=1), torch.full_like(r[:, :1], r.shape[-1])):
        w = (r.sum(-1, keepdim=True) / count).expand_as(r)
        w = w.clamp(max=cap) if mode == "truncate" else torch.where(w <= cap, w, torch.zeros_like(w))
        out.append(torch.where(real, w, torch.zeros_like(w)))
    return out


def is_lower_bound(args: Args) -> list:
    return [_weights(*args, lower=1.0 / args[3])]


def is_cap_in_log_space(args: Args) -> list:
    return [_weights(*args, cap_on_log=True)]


def is_not_detached(args: Args) -> list:
    """The reference's values, with the gradient of the weight formula left attached (to logp_train)."""
    train, rollout, mask, cap, level, mode = args
    real = mask > 0
    u = torch.where(real, train - rollout, torch.zeros_like(train))
    lw = u if level == "token" else (u.sum(-1, keepdim=True) / (
        real.sum(-1, keepdim=True).clamp(min=1) if level == "geometric" else 1.0)).expand_as(u)
    w = lw.exp()
    w = w.clamp(max=cap) if mode == "truncate" else torch.where(w <= cap, w, torch.zeros_like(w))
    return [torch.where(real, w, torch.zeros_like(w))]


# -- gspo_loss ---------------------------------------------------------------------------------------------
def _gspo(logp: torch.Tensor, old: torch.Tensor, adv: torch.Tensor, mask: torch.Tensor, eps: float,
          eps_high: float | None, token_form: bool, *, product: bool = False, over_length: bool = False,
          padding_counts: bool = False, token_ratio: bool = False, pick: Callable = torch.min, sign: float = -1.0,
          high: float | None = None, clip: bool = True, detach_ratio: bool = False, token_mean: bool = False,
          skip_empty: bool = False) -> torch.Tensor:
    """GSPO's loss with one thing changed (by keyword); the unchanged call is the reference."""
    hi = (eps if eps_high is None else eps_high) if high is None else high
    real = mask > 0
    count = real.sum(-1)
    diff = logp - old
    if not padding_counts:
        diff = torch.where(real, diff, torch.zeros_like(diff))
    total = diff.sum(-1)
    if product:
        log_s = total
    elif over_length:
        log_s = total / diff.shape[-1]
    else:
        log_s = total / count.clamp(min=1)
    a = adv[:, None] if adv.dim() == 1 else adv
    if token_ratio:
        s = diff.exp()
    elif token_form:
        s = torch.exp(log_s.detach()[:, None] + logp - logp.detach()).expand_as(logp)
    else:
        s = log_s.exp()[:, None].expand_as(logp)
    if detach_ratio:
        s = s.detach()
    if clip:
        per_token = sign * pick(s * a, s.clamp(1 - eps, 1 + hi) * a)
    else:
        per_token = sign * s * a
    per_token = torch.where(real, per_token, torch.zeros_like(per_token))
    if token_mean:
        return per_token.sum() / count.sum().clamp(min=1)
    rows = per_token.sum(-1) / count.clamp(min=1)
    if skip_empty:
        return rows.sum() / (count > 0).sum().clamp(min=1)
    return rows.sum() / max(logp.shape[0], 1)


def _gspo_model(**change: Any) -> Model:
    return lambda args: [_gspo(*args, **change)]


def gspo_length_with_padding(args: Args) -> list:
    return [_gspo(*args, over_length=True), _gspo(*args, over_length=True, padding_counts=True),
            _gspo(*args, padding_counts=True)]


def gspo_surrogate_sign(args: Args) -> list:
    return [_gspo(*args, sign=1.0), -_gspo(*args, pick=torch.max)]


def gspo_clip_high_ignored(args: Args) -> list:
    return [] if args[5] is None else [_gspo(*args, high=args[4])]


def gspo_skips_empty_rows(args: Args) -> list:
    return [_gspo(*args, skip_empty=True)]


# -- cispo_loss --------------------------------------------------------------------------------------------
def _aggregate(loss: torch.Tensor, mask: torch.Tensor, mode: str, skip_empty: bool = False) -> torch.Tensor:
    if skip_empty and mode in ("seq-mean-token-mean", "seq-mean-token-sum"):
        rows = mask.sum(-1) > 0
        loss, mask = loss[rows], mask[rows]
    return reference("aggregate_loss")(torch.where(mask > 0, loss, torch.zeros_like(loss)), mask, mode)


def _cispo(logp: torch.Tensor, old: torch.Tensor, adv: torch.Tensor, mask: torch.Tensor, eps_low: float | None,
           eps_high: float, mode: str, *, bounds: tuple | None = None, detach: bool = True, factor: str = "logp",
           sign: float = -1.0, mode_used: str | None = None, skip_empty: bool = False) -> torch.Tensor:
    """CISPO's loss with one thing changed (by keyword); the unchanged call is the reference."""
    ratio = torch.exp(logp - old)
    low, high = bounds if bounds is not None else (None if eps_low is None else 1 - eps_low, 1 + eps_high)
    weight = ratio.clamp(min=low, max=high)
    if detach:
        weight = weight.detach()
    other = {"logp": logp, "none": torch.ones_like(logp), "ratio": ratio}[factor]
    per_token = sign * weight * adv[:, None] * other
    return _aggregate(per_token, mask, mode_used or mode, skip_empty)


def _cispo_model(**change: Any) -> Model:
    return lambda args: [_cispo(*args, **change)]


def cispo_ppo_clip(args: Args) -> list:
    logp, old, adv, mask, eps_low, eps_high, mode = args
    ratio, a = torch.exp(logp - old), adv[:, None]
    clipped = ratio.clamp(min=None if eps_low is None else 1 - eps_low, max=1 + eps_high)
    return [_aggregate(-torch.min(ratio * a, clipped * a), mask, mode)]


def cispo_no_logp(args: Args) -> list:
    return [_cispo(*args, factor="none"), _cispo(*args, factor="none", detach=False), _cispo(*args, factor="ratio")]


def cispo_sign_flipped(args: Args) -> list:
    return [_cispo(*args, sign=1.0)]


def cispo_cap_confused(args: Args) -> list:
    eps_low, eps_high = args[4], args[5]
    lows = [None] if eps_low is None else [1 - eps_low, None]
    return [_cispo(*args, bounds=(low, eps_high)) for low in lows]


def cispo_bounds_wrong(args: Args) -> list:
    eps_low, eps_high = args[4], args[5]
    if eps_low is None:
        return [_cispo(*args, bounds=(1.0, 1 + eps_high)), _cispo(*args, bounds=(1 - eps_high, 1 + eps_high))]
    return [_cispo(*args, bounds=(1 - eps_high, 1 + eps_low)), _cispo(*args, bounds=(1 - eps_low, 1 + eps_low)),
            _cispo(*args, bounds=(1 - eps_high, 1 + eps_high)), _cispo(*args, bounds=(None, 1 + eps_high))]


def cispo_modes_confused(args: Args) -> list:
    return [_cispo(*args, mode_used=other) for other in CISPO_MODES if other != args[6]]


def cispo_mask_denominator(args: Args) -> list:
    logp, old, adv, mask, eps_low, eps_high, mode = args
    per_token = _per_token_cispo(args)
    masked, (batch, length) = per_token * mask, per_token.shape
    if mode == "token-mean":
        return [masked.sum() / max(per_token.numel(), 1)]
    if mode == "seq-mean-token-mean":
        return [(masked.sum(-1) / length).sum() / max(batch, 1)]
    return []


def cispo_mask_ignored(args: Args) -> list:
    return [reference("aggregate_loss")(_per_token_cispo(args), torch.ones_like(args[3]), args[6])]


def _per_token_cispo(args: Args) -> torch.Tensor:
    logp, old, adv, mask, eps_low, eps_high, mode = args
    weight = torch.exp(logp - old).clamp(min=None if eps_low is None else 1 - eps_low, max=1 + eps_high).detach()
    return -weight * adv[:, None] * logp


def cispo_skips_empty_rows(args: Args) -> list:
    return [_cispo(*args, skip_empty=True)] if args[6] in ("seq-mean-token-mean", "seq-mean-token-sum") else []


# -- generalized_jsd ----------------------------------------------------------------------------------------
def _kl(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """KL(A || B) per position from log-probabilities a, b."""
    return (a.exp() * (a - b)).sum(-1)


def _mix(log_p: torch.Tensor, log_s: torch.Tensor, beta: float) -> torch.Tensor:
    """log(beta P + (1 - beta) S)."""
    parts = []
    if beta > 0:
        parts.append(log_p + math.log(beta))
    if beta < 1:
        parts.append(log_s + math.log1p(-beta))
    return torch.logsumexp(torch.stack(parts), 0)


def _jsd_terms(log_s: torch.Tensor, log_p: torch.Tensor, beta: float, *, ends: str = "right", swap_m: bool = False,
               swap_weights: bool = False, reversed_kl: bool = False) -> torch.Tensor:
    """Per-position JSD with one thing changed; ends: "right" (TRL's special cases), "swapped", "formula"."""
    if ends != "formula" and beta in (0, 1):
        forward = beta == 0 if ends == "right" else beta == 1
        return _kl(log_p, log_s) if forward else _kl(log_s, log_p)
    log_m = _mix(log_s, log_p, beta) if swap_m else _mix(log_p, log_s, beta)
    wp, ws = (1 - beta, beta) if swap_weights else (beta, 1 - beta)
    if reversed_kl:
        return wp * _kl(log_m, log_p) + ws * _kl(log_m, log_s)
    return wp * _kl(log_p, log_m) + ws * _kl(log_s, log_m)


def _jsd(student: torch.Tensor, teacher: torch.Tensor, beta: float, mask: torch.Tensor, *,
         normalise: str = "log_softmax", reduce: str = "real", **change: Any) -> torch.Tensor:
    """normalise: "log_softmax" (right), "none" (raw logits), "max" (logits minus their max)."""
    norm = {"log_softmax": lambda x: x.log_softmax(-1), "none": lambda x: x,
            "max": lambda x: x - x.max(-1, keepdim=True).values}[normalise]
    log_s, log_p = norm(student), norm(teacher)
    per = _jsd_terms(log_s, log_p, beta, **change)
    real = mask > 0
    masked = torch.where(real, per, torch.zeros_like(per))
    n = real.sum().clamp(min=1)
    return {"real": masked.sum() / n, "all": masked.sum() / max(per.numel(), 1), "unmasked": per.mean(),
            "sum": masked.sum(), "batch": masked.sum() / max(per.shape[0], 1),
            "seq": (masked.sum(-1) / real.sum(-1).clamp(min=1)).mean(),
            "vocab": masked.sum() / (n * student.shape[-1]),
            "vocab_all": masked.sum() / max(student.numel(), 1)}[reduce]


def _jsd_model(**change: Any) -> Model:
    return lambda args: [_jsd(*args, **change)]


def _jsd_models(*changes: dict) -> Model:
    return lambda args: [_jsd(*args, **change) for change in changes]


def jsd_beta_on_student(args: Args) -> list:
    student, teacher, beta, mask = args
    if beta in (0, 1):
        return []
    return [_jsd(*args, swap_m=True, swap_weights=True), _jsd(*args, swap_m=True), _jsd(*args, swap_weights=True)]


def jsd_kl_reversed(args: Args) -> list:
    return [_jsd(*args, reversed_kl=True), _jsd(*args, reversed_kl=True, ends="swapped")] if 0 < args[2] < 1 else []


MODELS: dict[str, dict[str, Model]] = {
    "rloo_includes_self": {"rloo_advantages": rloo_includes_self},
    "rloo_wrong_divisor": {"rloo_advantages": rloo_wrong_divisor},
    "rloo_std_normalised": {"rloo_advantages": rloo_std_normalised},
    "rloo_wrong_axis": {"rloo_advantages": rloo_wrong_axis},
    "rloo_sign_flipped": {"rloo_advantages": rloo_sign_flipped},
    "rloo_factor_wrong": {"rloo_advantages": rloo_factor_wrong},
    "rloo_baseline_returned": {"rloo_advantages": rloo_baseline_returned},
    "rloo_single_keeps_reward": {"rloo_advantages": rloo_single_keeps_reward},
    "is_ratio_inverted": {"is_weights": _is_model(sign=-1.0)},
    "is_levels_confused": {"is_weights": is_levels_confused},
    "is_modes_swapped": {"is_weights": is_modes_swapped},
    "is_padding_counted": {"is_weights": is_padding_counted},
    "is_mask_inverted": {"is_weights": is_mask_inverted},
    "is_masked_to_one": {"is_weights": is_masked_to_one},
    "is_arithmetic_mean": {"is_weights": is_arithmetic_mean},
    "is_lower_bound": {"is_weights": is_lower_bound},
    "is_cap_in_log_space": {"is_weights": is_cap_in_log_space},
    "is_not_detached": {"is_weights": is_not_detached},
    "gspo_product_ratio": {"gspo_loss": _gspo_model(product=True)},
    "gspo_length_with_padding": {"gspo_loss": gspo_length_with_padding},
    "gspo_token_ratio": {"gspo_loss": _gspo_model(token_ratio=True)},
    "gspo_surrogate_max": {"gspo_loss": _gspo_model(pick=torch.max)},
    "gspo_surrogate_sign": {"gspo_loss": gspo_surrogate_sign},
    "gspo_clip_high_ignored": {"gspo_loss": gspo_clip_high_ignored},
    "gspo_no_clip": {"gspo_loss": _gspo_model(clip=False)},
    "gspo_token_mean": {"gspo_loss": _gspo_model(token_mean=True)},
    "gspo_ratio_detached": {"gspo_loss": _gspo_model(detach_ratio=True)},
    "gspo_skips_empty_rows": {"gspo_loss": gspo_skips_empty_rows},
    "cispo_ppo_clip": {"cispo_loss": cispo_ppo_clip},
    "cispo_weight_not_detached": {"cispo_loss": _cispo_model(detach=False)},
    "cispo_no_logp": {"cispo_loss": cispo_no_logp},
    "cispo_sign_flipped": {"cispo_loss": cispo_sign_flipped},
    "cispo_cap_confused": {"cispo_loss": cispo_cap_confused},
    "cispo_bounds_wrong": {"cispo_loss": cispo_bounds_wrong},
    "cispo_modes_confused": {"cispo_loss": cispo_modes_confused},
    "cispo_mask_denominator": {"cispo_loss": cispo_mask_denominator},
    "cispo_mask_ignored": {"cispo_loss": cispo_mask_ignored},
    "cispo_skips_empty_rows": {"cispo_loss": cispo_skips_empty_rows},
    "jsd_no_special_cases": {"generalized_jsd": _jsd_model(ends="formula")},
    "jsd_ends_swapped": {"generalized_jsd": _jsd_model(ends="swapped")},
    "jsd_beta_on_student": {"generalized_jsd": jsd_beta_on_student},
    "jsd_kl_reversed": {"generalized_jsd": jsd_kl_reversed},
    "jsd_logits_not_normalised": {"generalized_jsd": _jsd_models({"normalise": "none"}, {"normalise": "max"})},
    "jsd_mask_denominator": {"generalized_jsd": _jsd_models({"reduce": "all"}, {"reduce": "batch"})},
    "jsd_mask_ignored": {"generalized_jsd": _jsd_model(reduce="unmasked")},
    "jsd_not_averaged": {"generalized_jsd": _jsd_model(reduce="sum")},
    "jsd_seq_mean": {"generalized_jsd": _jsd_model(reduce="seq")},
    "jsd_vocab_averaged": {"generalized_jsd": _jsd_models({"reduce": "vocab"}, {"reduce": "vocab_all"})},
}


# -- comparing --------------------------------------------------------------------------------------------
def _size(exercise: str, args: Args) -> float:
    """The size of the terms a result is made of (a loss can be a small mean of large terms of both signs):
    the absolute part of the tolerance is a float32 rounding of it, so that a model never matches by chance."""
    if exercise == "rloo_advantages":
        return float(args[0].abs().max()) if args[0].numel() else 1.0
    if exercise == "is_weights":
        return float(args[3])
    if exercise in ("gspo_loss", "cispo_loss") and args[0].numel():
        logp, old, adv, real = args[0].detach(), args[1], args[2], args[3] > 0
        ratio = torch.where(real, (logp - old).abs(), torch.zeros_like(logp)).max().exp()
        if exercise == "gspo_loss":
            return float(ratio * adv.abs().max())
        return float(ratio.clamp(max=1 + args[5]) * adv.abs().max() * torch.where(real, logp.abs(), 0.0).max())
    return 1.0 + float(args[0].abs().max() + args[1].abs().max())


def _close(got: Any, want: torch.Tensor | None, where: torch.Tensor | None = None, size: float = 1.0) -> bool:
    """Within 1e-6 relative plus 1e-7 of the terms' size; ``want`` None means no gradient (None or all zero)."""
    if want is None:
        return got is None or (isinstance(got, torch.Tensor) and bool((got == 0).all()))
    if got is None:
        return bool((want == 0).all())
    if not isinstance(got, torch.Tensor) or tuple(got.shape) != tuple(want.shape):
        return False
    got, want = got.double(), want.double()
    if where is not None:
        got, want = got[where], want[where]
    both_nan = got.isnan() & want.isnan()
    return bool((both_nan | ((got - want).abs() <= 1e-6 * want.abs() + 1e-7 * size)).all())


def _where(exercise: str, args: Args) -> torch.Tensor | None:
    """Where values are compared: is_weights' real tokens only (padding is a convention's, judged apart)."""
    return args[2] > 0 if exercise == "is_weights" else None


def _evaluate(model: Model, args: Args, grad: bool) -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """Each alternative output of ``model`` on ``args`` (float64) and, with ``grad``, its gradient with respect
    to the first argument (None where none flows)."""
    leaf = args[0].detach().clone().requires_grad_(grad)
    with warnings.catch_warnings():  # torch.std of one sample warns; the model's NaN matches nothing
        warnings.simplefilter("ignore")
        outputs = model([leaf, *args[1:]])
    found = []
    for out in outputs:
        g = None
        if grad and out.requires_grad:
            (g,) = torch.autograd.grad(out.sum(), leaf, retain_graph=True, allow_unused=True)
        found.append((out.detach(), g))
    return found


def _reference_of(exercise: str) -> Model:
    return lambda args: [reference(exercise)(*args)]


def _grad_output(exercise: str, args: Args) -> torch.Tensor:
    shape = args[0].shape if exercise == "is_weights" else ()
    return torch.ones(shape, dtype=torch.float64)


def _matches(exercise: str, args: Args, got: torch.Tensor, got_grad: Any, wanted: tuple, grad: bool) -> bool:
    out, g = wanted
    if bool(out.isnan().any()):
        return False
    where, size = _where(exercise, args), _size(exercise, args)
    return _close(got, out, where, size) and (not grad or _close(got_grad, g, None, size))


def _mutated(args: Args, result: Any) -> bool:
    from grader.diagnosis.grpo import _mutated as mutated

    return mutated(args, result)


# -- properties the probes cannot show ---------------------------------------------------------------------
def _call(session: LearnerSession, exercise: str, args: Args) -> torch.Tensor:
    return session.call(exercise, args).out


def _is_padding_not_zero(session: LearnerSession, exercise: str) -> bool:
    args = _is_probes()[0].args
    for level in IS_LEVELS:
        out = _call(session, exercise, [*args[:4], level, "truncate"])
        pad = args[2] == 0
        if tuple(out.shape) == tuple(pad.shape) and bool((out[pad] != 0).any()):
            return True
    return False


def _is_ratio_of_probs(session: LearnerSession, exercise: str) -> bool:
    """float32 log-probs near -120: NaN, inf or a zero weight where the exact one is ordinary."""
    train = torch.tensor([[-120.0, -130.0, -125.0]])
    rollout = torch.tensor([[-120.5, -129.0, -125.0]])
    mask = torch.ones(1, 3)
    for level in IS_LEVELS:
        out = _call(session, exercise, [train, rollout, mask, 3.0, level, "truncate"])
        want = reference(exercise)(train.double(), rollout.double(), mask.double(), 3.0, level, "truncate")
        if tuple(out.shape) == tuple(want.shape) and not _close(out, want):
            return True
    return False


def _log_ratio_clamped(session: LearnerSession, exercise: str) -> bool:
    """Right on ordinary inputs, but the log-ratio stops somewhere between 5 and 29 on its way to +-30."""
    if exercise == "is_weights":
        train = torch.tensor([[-40.0, -1.0, -2.0]], dtype=torch.float64)
        args = [train, train + torch.tensor([[30.0, 0.0, 0.0]], dtype=torch.float64), torch.ones(1, 3, dtype=torch.float64),
                2.0, "token", "truncate"]
        got = float(_call(session, exercise, args)[0, 0])
        return got > 0 and 5.0 < -math.log(got) < 29.0
    if exercise == "gspo_loss":
        logp = torch.full((1, 2), -1.0, dtype=torch.float64)
        args = [logp, logp - 12.0, torch.tensor([-1.0], dtype=torch.float64), torch.ones(1, 2, dtype=torch.float64),
                0.2, None, False]
        got = float(_call(session, exercise, args))  # the loss is s = e^12 (A = -1, unclipped branch)
        return got > 0 and 5.0 < math.log(got) < 11.9
    if exercise == "cispo_loss":
        logp = torch.tensor([[-31.0, -1.0]], dtype=torch.float64)
        args = [logp, logp + torch.tensor([[30.0, 0.0]], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64),
                torch.tensor([[1.0, 0.0]], dtype=torch.float64), None, 0.28, "token-mean"]
        got = float(_call(session, exercise, args))  # w e^-30 times 31
        return got > 0 and 5.0 < -math.log(got / 31.0) < 29.0
    return False


def _option_error(session: LearnerSession, exercise: str) -> bool:
    if exercise == "is_weights":
        args = _is_probes()[0].args
        calls = [([*args[:4], "seq", "truncate"], IS_LEVELS), ([*args[:4], "token", "clip"], IS_MODES)]
    else:
        args = _cispo_probes()[0].args
        calls = [([*args[:6], "token_mean"], CISPO_MODES)]
    for call_args, valid in calls:
        try:
            session.call(exercise, call_args)
        except LearnerError as exc:
            message = str(exc.detail.get("message", ""))
            if not (exc.detail.get("type") == "ValueError" and all(v in message for v in valid)):
                return True
            continue
        return True
    return False


def _nan_when_empty(session: LearnerSession, exercise: str) -> bool:
    """NaN or inf where nothing is real: an all-zero mask, an empty row, an empty batch."""
    cases = {
        "is_weights": [[torch.zeros(2, 3), torch.ones(2, 3), torch.tensor([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), 2.0,
                        "geometric", "truncate"], [torch.zeros(0, 3), torch.zeros(0, 3), torch.zeros(0, 3), 2.0,
                                                   "geometric", "mask"]],
        "gspo_loss": [[torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(2), torch.zeros(2, 3), 0.2, None, False],
                      [torch.zeros(0, 3), torch.zeros(0, 3), torch.ones(0), torch.zeros(0, 3), 0.2, None, True]],
        "cispo_loss": [[torch.zeros(2, 3) - 1, torch.zeros(2, 3) - 1, torch.ones(2), torch.zeros(2, 3), 0.2, 0.28, mode]
                       for mode in CISPO_MODES] + [[torch.zeros(0, 3), torch.zeros(0, 3), torch.ones(0),
                                                    torch.zeros(0, 3), None, 0.28, "seq-mean-token-mean"]],
        "generalized_jsd": [[torch.zeros(2, 3, 4), torch.ones(2, 3, 4), beta, torch.zeros(2, 3)] for beta in (0.0, 0.5)]
        + [[torch.zeros(0, 3, 4), torch.zeros(0, 3, 4), 0.5, torch.zeros(0, 3)]],
        "rloo_advantages": [[torch.zeros(0, 4)]],
    }[exercise]
    return any(not bool(torch.isfinite(_call(session, exercise, args)).all()) for args in cases)


def _rloo_nan_single(session: LearnerSession, exercise: str) -> bool:
    return not bool(torch.isfinite(_call(session, exercise, [torch.tensor([[1.0], [0.5]])])).all())


def _grad_leak(session: LearnerSession, exercise: str) -> bool:
    """A nonzero gradient reaching old_logp or the advantages."""
    probe = next(p for p in PROBES[exercise]() if p.grad)
    flags = [True, True, True] + [False] * (len(probe.args) - 3)
    grads = session.call(exercise, probe.args, grad=flags, grad_output=torch.tensor(1.0, dtype=torch.float64)).grads
    return any(g is not None and bool((g != 0).any()) for g in (grads or [])[1:])


def _prob_mixture(session: LearnerSession, exercise: str) -> bool:
    """Far-apart logits (both probabilities of a token underflow in float32): NaN or inf where the divergence
    is finite."""
    student = torch.tensor([[[300.0, -300.0, 0.0], [0.0, 1.0, 2.0]]])
    teacher = torch.tensor([[[-300.0, 300.0, 150.0], [2.0, 1.0, 0.0]]])
    for beta in (0.0, 0.5, 1.0):
        out = _call(session, exercise, [student, teacher, beta, torch.ones(1, 2)])
        if not bool(torch.isfinite(out).all()):
            return True
    return False


def _no_gradient(session: LearnerSession, exercise: str) -> bool:
    probe = next(p for p in PROBES[exercise]() if p.grad)
    flags = [True] + [False] * (len(probe.args) - 1)
    result = session.call(exercise, probe.args, grad=flags, grad_output=_grad_output(exercise, probe.args))
    return not result.requires_grad or not result.grads or result.grads[0] is None


def _stateful(session: LearnerSession, exercise: str) -> bool:
    """Right on every probe, wrong on the same values in another order (rows reversed): something was kept
    from an earlier call (the probes' shapes are ones no check uses)."""
    for probe in PROBES[exercise]():
        if probe.grad:
            continue
        args = [a.flip(0) if isinstance(a, torch.Tensor) and a.dim() else a for a in probe.args]
        want = reference(exercise)(*args)
        if not _close(_call(session, exercise, args), want, _where(exercise, args), _size(exercise, args)):
            return True
    return False


def _wrong_dtype(session: LearnerSession, exercise: str) -> bool:
    """Right values in another dtype than the inputs', float32 or float64."""
    main = PROBES[exercise]()[0].args
    for dtype in (torch.float32, torch.float64):
        args = [a.to(dtype) if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in main]
        out = _call(session, exercise, args)
        want = reference(exercise)(*_as64(args))
        if out.dtype != dtype and _close(out, want, _where(exercise, args), 1e3 * _size(exercise, args)):
            return True
    return False


def _wrong_device(session: LearnerSession, exercise: str) -> bool:
    args = [a.float() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in PROBES[exercise]()[0].args]
    try:
        device = session.call(exercise, args, device="meta").device
    except LearnerError as exc:
        return exc.kind == "exception" and any(m in str(exc.detail.get("message", "")) for m in _LEFT_DEVICE)
    return device != "meta"


DETECTORS: dict[str, Callable[[LearnerSession, str], bool]] = {
    "is_padding_not_zero": _is_padding_not_zero, "is_ratio_of_probs": _is_ratio_of_probs,
    "is_log_ratio_clamped": _log_ratio_clamped, "gspo_log_ratio_clamped": _log_ratio_clamped,
    "cispo_log_ratio_clamped": _log_ratio_clamped, "is_no_option_error": _option_error,
    "cispo_no_mode_error": _option_error, "t4_nan_when_empty": _nan_when_empty, "rloo_nan_single": _rloo_nan_single,
    "gspo_grad_leak": _grad_leak, "cispo_grad_leak": _grad_leak, "jsd_prob_mixture": _prob_mixture,
    "t4_no_gradient": _no_gradient, "stateful": _stateful, "wrong_dtype": _wrong_dtype, "wrong_device": _wrong_device,
}


# Detectors that name any difference on their inputs: only for a function right on every probe.
NEEDS_RIGHT = {"stateful", "is_ratio_of_probs"}


# Conventions whose detectors look only at edge inputs (an empty batch, a group of one, an unknown option), so
# they can be named beside a core mistake without its wrong values making them fire.
BESIDE = ("t4_nan_when_empty", "rloo_nan_single", "is_no_option_error", "cispo_no_mode_error")


def diagnose(session: LearnerSession, exercise: str, mistakes: tuple, allowed: tuple = ()) -> dict | None:
    """The first catalogued mistake (``mistakes``, in the catalogue's order) the function behaves like, with
    the conventions it also misses beside it (from ``allowed``, which a core failure does not narrow)."""
    by_id = {m.id: m for m in mistakes}
    beside = [m for m in allowed or mistakes if m.id in BESIDE and m.convention and exercise in m.exercises]

    def named(m: Any) -> dict:
        return m.diagnosis(also=detected([b for b in beside if b.id != m.id], lambda b: DETECTORS.get(b.id),
                                         session, exercise))

    probes = PROBES[exercise]()
    right = True  # on every probe
    for n, probe in enumerate(probes):
        args = probe.args
        flags = [True] + [False] * (len(args) - 1) if probe.grad else None
        try:
            result = session.call(exercise, args, grad=flags,
                                  grad_output=_grad_output(exercise, args) if probe.grad else None)
        except LearnerError as exc:
            if n == 0 and exc.kind == "exception" and exc.detail.get("type") == "NotATensor":
                key = "no_return" if exc.detail.get("message") == "NoneType" else "not_a_tensor"
                return by_id[key].diagnosis() if key in by_id else None
            right = False
            continue
        if _mutated(args, result) and "input_mutated" in by_id:
            return by_id["input_mutated"].diagnosis()
        got_grad = (result.grads or [None])[0] if probe.grad else None
        (want,) = _evaluate(_reference_of(exercise), args, probe.grad)
        if _matches(exercise, args, result.out, got_grad, want, probe.grad):
            continue
        right = False
        for m in mistakes:
            model = MODELS.get(m.id, {}).get(exercise)
            if model is not None and any(_matches(exercise, args, result.out, got_grad, alt, probe.grad)
                                         for alt in _evaluate(model, args, probe.grad)):
                return named(m)
        # Wrong here in a way no model explains: the other probes and the properties below may still name it.
    for m in mistakes:
        detector = DETECTORS.get(m.id) if m.kind == "property" else None
        if not right and m.id in NEEDS_RIGHT:
            continue
        try:
            if detector is not None and detector(session, exercise):
                return named(m)
        except LearnerError:
            continue
    return None
