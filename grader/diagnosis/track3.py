"""Diagnosis for track 3 (exact_kl, masked_rewards_kl, dpo_loss, gae): name the mistake by behaviour.

As in grader/diagnosis/engine.py, the learner's function is called in its own process on fixed probe inputs and
its outputs (one tensor, or each item of a tuple) are compared with what each catalogued mistake would
return; the source is never read. A mistake of kind ``model`` is computed by the function of the same
id in MODELS below (float64, on the probe's inputs); one of kind ``property`` by DETECTORS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

from grader.checks.support import _LEFT_DEVICE, reference
from grader.isolation.session import LearnerError, LearnerSession

Outputs = list  # a list of float64 tensors, one per returned item


@dataclass(frozen=True)
class Spec:
    probe: Callable[[], list]  # the main probe's inputs (float64, a shape no check uses)
    scale: Callable[[list], list]  # per returned item, the size of the terms a correct computation rounds
    # Where the values count (the rest is a convention's: values at padding), or None for everywhere.
    real: Callable[[list], torch.Tensor] | None = None
    # Inputs to try when the main probe raises: the same mistake without the case that made it raise.
    fallback: Callable[[], list] | None = None


def _g(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _as_list(x: Any) -> Outputs:
    return list(x) if isinstance(x, (tuple, list)) else [x]


def expected(exercise: str, args: list) -> Outputs:
    return [o.detach().double() for o in _as_list(reference(exercise)(*[
        a.double() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args]))]


def _close(got: torch.Tensor, want: torch.Tensor, scale: torch.Tensor) -> bool:
    if tuple(got.shape) != tuple(want.shape):
        return False
    got, want = got.double(), want.double()
    same_nan = got.isnan() & want.isnan()
    return bool((((got - want).abs() <= 1e-5 * (want.abs() + scale)) | same_nan).all())


def _all_close(outs: Outputs, wants: Outputs, scales: list, real: torch.Tensor | None = None) -> bool:
    """Every item close to its model (only where ``real``, if given); a model's item may be a list of
    alternatives (any one matches)."""
    def at(x: torch.Tensor) -> torch.Tensor:
        if real is None or tuple(x.shape) != tuple(real.shape):
            return x
        return torch.where(real, x.double(), torch.zeros((), dtype=torch.float64))

    return len(outs) == len(wants) and all(
        any(_close(at(o), at(alt), s) for alt in (w if isinstance(w, list) else [w]))
        for o, w, s in zip(outs, wants, scales))


# -- exact_kl --------------------------------------------------------------------------------------------
def _kl_probe() -> list:
    g = _g(81)
    a = 1.5 * torch.randn(4, 5, generator=g, dtype=torch.float64)
    b = a + torch.randn(4, 5, generator=g, dtype=torch.float64) + torch.linspace(-1.0, 2.0, 5, dtype=torch.float64)
    return [a, b]


def _kl_scale(args: list) -> list:
    a, b = (x.double() for x in args)
    lp, lq = a.log_softmax(-1), b.log_softmax(-1)
    return [1.0 + (lp.exp() * (lp.abs() + lq.abs())).sum(-1)]


def _logs(args: list) -> tuple[torch.Tensor, torch.Tensor]:
    return args[0].double().log_softmax(-1), args[1].double().log_softmax(-1)


def exact_kl_reversed(args: list) -> Outputs:
    lp, lq = _logs(args)
    return [(lq.exp() * (lq - lp)).sum(-1)]


def unweighted_sum(args: list) -> Outputs:
    lp, lq = _logs(args)
    return [(lp - lq).sum(-1)]


def logits_not_normalised(args: list) -> Outputs:
    a, b = args[0].double(), args[1].double()
    return [(a.softmax(-1) * (a - b)).sum(-1)]


def kl_mean_not_sum(args: list) -> Outputs:
    lp, lq = _logs(args)
    return [(lp.exp() * (lp - lq)).mean(-1)]


def kl_wrong_dim(args: list) -> Outputs:
    a, b = args[0].double(), args[1].double()
    lp, lq = a.log_softmax(0), b.log_softmax(0)
    return [(lp.exp() * (lp - lq)).sum(-1)]  # (summed over dim 0 too: a result of another shape, _kl_per_token)


def exact_kl_sign_flipped(args: list) -> Outputs:
    lp, lq = _logs(args)
    return [-(lp.exp() * (lp - lq)).sum(-1)]


def cross_entropy_not_kl(args: list) -> Outputs:
    lp, lq = _logs(args)
    return [-(lp.exp() * lq).sum(-1)]


def _kl_per_token(session: LearnerSession, exercise: str, outs: Outputs, wants: Outputs, args: list) -> str | None:
    lp, lq = _logs(args)
    terms = lp.exp() * (lp - lq)
    out = outs[0]
    if tuple(out.shape) == tuple(terms.shape) and _close(out, terms, 1.0 + terms.abs()):
        return "not_summed"
    lp0, lq0 = (x.double().log_softmax(0) for x in args[:2])
    for summed in (terms.sum(0), (lp0.exp() * (lp0 - lq0)).sum(0)):  # the vocabulary taken on dim 0
        if tuple(out.shape) == tuple(summed.shape) and _close(out, summed, 1.0 + summed.abs()):
            return "kl_wrong_dim"
    return None


def _no_max_subtraction(session: LearnerSession, exercise: str) -> bool:
    """Logits around 100 in float32, where exp overflows: the true KL is finite, exp(a) / sum exp(a) is not."""
    a = torch.tensor([[100.0, 0.0, 50.0], [0.0, 95.0, -20.0]], dtype=torch.float32)
    b = torch.tensor([[90.0, 1.0, 60.0], [2.0, 99.0, 0.0]], dtype=torch.float32)
    out = session.call(exercise, [a, b]).out
    want = expected(exercise, [a, b])[0]
    return tuple(out.shape) == tuple(want.shape) and bool((~torch.isfinite(out) & torch.isfinite(want)).any())


def _softmax_then_log(session: LearnerSession, exercise: str) -> bool:
    """Finite logits whose probabilities underflow in float32: the true KL is finite, log(softmax) is not."""
    a = torch.tensor([[0.0, -200.0, 1.0], [0.0, 3.0, -150.0]], dtype=torch.float32)
    b = torch.tensor([[-200.0, 0.0, 1.0], [-150.0, 3.0, 0.0]], dtype=torch.float32)
    out = session.call(exercise, [a, b]).out
    want = expected(exercise, [a, b])[0]
    return tuple(out.shape) == tuple(want.shape) and bool((~torch.isfinite(out) & torch.isfinite(want)).any())


# -- masked_rewards_kl -----------------------------------------------------------------------------------
LENGTHS = [4, 2, 0, 3, 1]  # a full row, padded rows and an empty one: every placement mistake shows


def _rw_probe() -> list:
    g = _g(83)
    reward = torch.tensor([[1.5], [-0.75], [2.0], [0.25], [-1.25]], dtype=torch.float64)
    ref = -4 * torch.rand(5, 4, generator=g, dtype=torch.float64) - 0.1
    old = (ref + 0.6 * torch.randn(5, 4, generator=g, dtype=torch.float64)).clamp(max=0.0)
    mask = (torch.arange(4)[None, :] < torch.tensor(LENGTHS)[:, None]).to(torch.float64)
    # Finite, different log-probs at padding, so a penalty there shows.
    old = torch.where(mask > 0, old, old - 3.0)
    return [reward, ref, old, mask, 0.3]


def _rw_fallback() -> list:
    """The main probe without its full row: code that writes one past the last real token runs on it."""
    reward, ref, old, mask, c = _rw_probe()
    return [reward[1:], ref[1:], old[1:], mask[1:], c]


def _rw_scale(args: list) -> list:
    reward, ref, old, _, c = args
    return [1.0 + abs(float(c)) * (ref.double().abs() + old.double().abs()) + reward.double().abs()]


def _penalty(args: list, masked: bool = True) -> torch.Tensor:
    reward, ref, old, mask, c = args
    return -c * (old.double() - ref.double()) * (mask.double() if masked else 1.0)


def _with_score(rewards: torch.Tensor, args: list, where: Callable[[int, int], int | None],
                overwrite: bool = False) -> torch.Tensor:
    out = rewards.clone()
    reward, mask = args[0].double(), args[3]
    T = mask.shape[1]
    for i, n in enumerate(mask.sum(1).long().tolist()):
        j = where(n, T)
        if j is not None:
            out[i, j] = reward[i, 0] if overwrite else out[i, j] + reward[i, 0]
    return out


def score_last_column(args: list) -> Outputs:
    return [_with_score(_penalty(args), args, lambda n, T: T - 1)]


def kl_on_padding(args: list) -> Outputs:
    return [_with_score(_penalty(args, masked=False), args, lambda n, T: n - 1 if n else None)]


def empty_row_scored(args: list) -> Outputs:
    # n = 0: index -1 wraps to the last column; or column 0 (TRL's PPO, f2cd577)
    return [[_with_score(_penalty(args), args, lambda n, T: n - 1),
             _with_score(_penalty(args), args, lambda n, T: n - 1 if n else 0)]]


def score_off_by_one(args: list) -> Outputs:
    return [_with_score(_penalty(args), args, lambda n, T: min(n, T - 1) if n else None)]


def score_past_end(args: list) -> Outputs:
    T = args[3].shape[1]
    if bool((args[3].sum(1) >= T).any()):
        return [None]  # a full row: the code raised (IndexError) there
    return [_with_score(_penalty(args), args, lambda n, T: n if n else None)]


def trl_score_position(args: list) -> Outputs:
    """TRL's PPO (f2cd577): one past the last real token where it fits, an empty row's score at column 0."""
    return [_with_score(_penalty(args), args, lambda n, T: min(n, T - 1) if n else 0)]


def argmax_first_index(args: list) -> Outputs:
    first = lambda n, T: 0 if n else None  # noqa: E731 - argmax of a 0/1 row: its first 1
    return [[_with_score(_penalty(args), args, first), _with_score(_penalty(args), args, lambda n, T: 0)]]


def masked_kl_ctl_ignored(args: list) -> Outputs:
    return [_with_score(_penalty([*args[:4], 1.0]), args, lambda n, T: n - 1 if n else None)]


def masked_reward_every_token(args: list) -> Outputs:
    reward, mask = args[0].double(), args[3].double()
    return [(_penalty(args) + reward) * mask]


def masked_k3(args: list) -> Outputs:
    reward, ref, old, mask, c = args
    u = ref.double() - old.double()
    return [_with_score(-c * (torch.expm1(u) - u) * mask.double(), args, lambda n, T: n - 1 if n else None)]


def score_overwrites_kl(args: list) -> Outputs:
    return [_with_score(_penalty(args), args, lambda n, T: n - 1 if n else None, overwrite=True)]


def score_not_added(args: list) -> Outputs:
    return [_penalty(args)]


def masked_kl_sign_flipped(args: list) -> Outputs:
    return [_with_score(-_penalty(args), args, lambda n, T: n - 1 if n else None)]


# -- dpo_loss -------------------------------------------------------------------------------------------
def _dpo_probe() -> list:
    g = _g(85)
    rc = -30 * torch.rand(6, generator=g, dtype=torch.float64) - 5
    rr = -30 * torch.rand(6, generator=g, dtype=torch.float64) - 5
    pc = rc + 2 * torch.randn(6, generator=g, dtype=torch.float64)
    pr = rr + 2 * torch.randn(6, generator=g, dtype=torch.float64)
    return [pc, pr, rc, rr, 0.3]


def _dpo_parts(args: list) -> tuple[torch.Tensor, torch.Tensor, float]:
    pc, pr, rc, rr, beta = (a.double() if isinstance(a, torch.Tensor) else a for a in args)
    return pc - rc, pr - rr, beta


def _dpo_scale(args: list) -> list:
    c, r, beta = _dpo_parts(args)
    return [1.0 + beta * (c - r).abs(), 1.0 + beta * c.abs(), 1.0 + beta * r.abs()]


def dpo_sign_flipped(args: list) -> Outputs:
    c, r, beta = _dpo_parts(args)
    return [torch.nn.functional.softplus(beta * (c - r)), beta * c, beta * r]


def rewards_missing_beta(args: list) -> Outputs:
    c, r, beta = _dpo_parts(args)
    return [torch.nn.functional.softplus(-beta * (c - r)), c, r]


def dpo_beta_missing(args: list) -> Outputs:
    c, r, beta = _dpo_parts(args)
    return [torch.nn.functional.softplus(-(c - r)), beta * c, beta * r]


def dpo_reference_ignored(args: list) -> Outputs:
    pc, pr, _, _, beta = (a.double() if isinstance(a, torch.Tensor) else a for a in args)
    c, r, _ = _dpo_parts(args)
    return [torch.nn.functional.softplus(-beta * (pc - pr)), [beta * pc, beta * c], [beta * pr, beta * r]]


def dpo_beta_precedence(args: list) -> Outputs:
    pc, pr, rc, rr, beta = (a.double() if isinstance(a, torch.Tensor) else a for a in args)
    c, r, _ = _dpo_parts(args)
    margins = [beta * c - r, c - beta * r, beta * (pc - pr) - (rc - rr), (pc - pr) - beta * (rc - rr)]
    return [[torch.nn.functional.softplus(-z) for z in margins], beta * c, beta * r]


def dpo_missing_minus(args: list) -> Outputs:
    c, r, beta = _dpo_parts(args)
    return [torch.nn.functional.logsigmoid(beta * (c - r)), beta * c, beta * r]


def _log_sigmoid_overflow(session: LearnerSession, exercise: str) -> bool:
    """inf (or NaN) losses at large |z| in float32, where the true loss is finite."""
    z = torch.tensor([-1e3, -200.0, -120.0, -90.0, 90.0, 200.0], dtype=torch.float64)
    ref = torch.full_like(z, -50.0)
    args = [(ref + z).float(), ref.float(), ref.float(), ref.float(), 1.0]
    out = _as_list(session.call(exercise, args).out)[0]
    want = expected(exercise, args)[0]
    return tuple(out.shape) == tuple(want.shape) and bool((~torch.isfinite(out) & torch.isfinite(want)).any())


def _rewards_not_detached(session: LearnerSession, exercise: str) -> bool:
    args = SPECS[exercise].probe()
    # From the gradient the judge receives through the rewards alone, not the learner's requires_grad claim.
    ones = torch.ones(6, dtype=torch.float64)
    result = session.call(exercise, args, grad=[True, True, False, False, False], grad_output=[None, ones, ones])
    return any(g is not None and bool((g != 0).any()) for g in result.grads or [])


def _softplus_kink(session: LearnerSession, exercise: str) -> bool:
    """Right gradients at z != 0, a wrong one at z = 0 exactly (policy = reference)."""
    pc, pr, rc, rr, beta = SPECS[exercise].probe()
    args = [rc.clone(), rr.clone(), rc, rr, beta]
    result = session.call(exercise, args, grad=[True, True, False, False, False],
                          grad_output=[torch.ones(6, dtype=torch.float64), None, None])
    grads = result.grads or [None, None]
    if grads[0] is None:
        return False
    return not _close(grads[0], torch.full((6,), -beta / 2, dtype=torch.float64), torch.ones(6, dtype=torch.float64))


# -- gae ------------------------------------------------------------------------------------------------
# (5, 6): a shape no check of grader/checks/test_gae.py uses (its repeated-calls check is (4, 5)), so a
# cache keyed by shape is filled by the probe itself and the stateful detector sees it go stale.
GAE_LENGTHS = [6, 3, 0, 1, 4]
GAE_T = 6


def _gae_probe() -> list:
    g = _g(87)
    B, T = len(GAE_LENGTHS), GAE_T
    mask = (torch.arange(T)[None, :] < torch.tensor(GAE_LENGTHS)[:, None]).to(torch.float64)
    rewards = 0.3 * torch.randn(B, T, generator=g, dtype=torch.float64) + 0.1
    values = 0.5 * torch.randn(B, T, generator=g, dtype=torch.float64)
    rewards = torch.where(mask > 0, rewards, torch.full_like(rewards, 1.0))  # padding: finite, far off
    values = torch.where(mask > 0, values, torch.full_like(values, -3.0))
    return [rewards, values, mask, 0.9, 0.6]


def _gae_scale(args: list) -> list:
    rewards, values, mask = (a.double() for a in args[:3])
    s = (1.0 + (rewards.abs() + 2 * values.abs()).mul(mask).sum(1, keepdim=True)).expand_as(rewards)
    return [s, s + values.abs()]


def _scan(rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor | None, gamma: float,
          lam: float, *, td_gamma: float | None = None, trace: float | None = None, bootstrap_masked: bool = True,
          forward: bool = False, last: bool = True) -> torch.Tensor:
    """GAE's reverse scan; mask None: over every position, padding included. The keywords change one thing:
    ``td_gamma`` the discount in the TD error, ``trace`` the decay of the trace (gamma * lam), the next value
    taken at padding too (not ``bootstrap_masked``), the trace run ``forward`` in time (A_t from A_{t-1}),
    the last position never visited (not ``last``: a loop over range(T - 1))."""
    T = rewards.shape[1]
    td = gamma if td_gamma is None else td_gamma
    decay = gamma * lam if trace is None else trace
    ones = torch.ones_like(values[:, 0])
    m = [mask[:, t] if mask is not None else ones for t in range(T)]
    nv = [values[:, t + 1] * (m[t + 1] if bootstrap_masked else 1.0) if t + 1 < T else 0.0 * ones for t in range(T)]
    delta = [rewards[:, t] + td * nv[t] - values[:, t] for t in range(T)]
    adv = torch.zeros_like(values)
    na = 0.0 * ones
    for t in (range(T) if forward else reversed(range(T - (0 if last else 1)))):
        na = (delta[t] + decay * na) * m[t]
        adv[:, t] = na
    return adv


def _gae_inputs(args: list) -> tuple:
    rewards, values, mask, gamma, lam = args
    return rewards.double(), values.double(), mask.double(), gamma, lam


def gae_padding_leak(args: list) -> Outputs:
    r, v, m, gamma, lam = _gae_inputs(args)
    adv = _scan(r, v, None, gamma, lam)
    return [adv * m, (adv + v) * m]


def gamma_lam_swapped(args: list) -> Outputs:
    r, v, m, gamma, lam = _gae_inputs(args)
    adv = _scan(r, v, m, lam, gamma)
    return [adv, (adv + v) * m]


def returns_missing_values(args: list) -> Outputs:
    r, v, m, gamma, lam = _gae_inputs(args)
    adv = _scan(r, v, m, gamma, lam)
    return [adv, adv]


def advantages_whitened(args: list) -> Outputs:
    r, v, m, gamma, lam = _gae_inputs(args)
    adv = _scan(r, v, m, gamma, lam)
    n = m.sum()
    mean = (adv * m).sum() / n
    out = []
    for correction in (1.0, 0.0):  # Bessel-corrected (verl's masked_var) or not
        var = (((adv - mean) ** 2) * m).sum() / (n - correction)
        out.append((adv - mean) / torch.sqrt(var + 1e-8) * m)
    return [out, (adv + v) * m]  # (either whitening counts: see _all_close)


def _gae_with(**change: Any) -> Callable[[list], Outputs]:
    def model(args: list) -> Outputs:
        r, v, m, gamma, lam = _gae_inputs(args)
        adv = _scan(r, v, m, gamma, lam, **change)
        return [adv, (adv + v) * m]
    return model


def gamma_missing(args: list) -> Outputs:
    r, v, m, gamma, lam = _gae_inputs(args)
    return [[_scan(r, v, m, gamma, lam, td_gamma=1.0), _scan(r, v, m, gamma, lam, trace=lam)],
            [(_scan(r, v, m, gamma, lam, td_gamma=1.0) + v) * m, (_scan(r, v, m, gamma, lam, trace=lam) + v) * m]]


def returns_monte_carlo(args: list) -> Outputs:
    r, v, m, gamma, lam = _gae_inputs(args)
    togo = _scan(r, torch.zeros_like(v), m, gamma, 1.0)  # the discounted reward-to-go
    return [_scan(r, v, m, gamma, lam), togo]


def _padding_not_zeroed(session: LearnerSession, exercise: str) -> bool:
    """Some output is not exactly 0 at padding (the values there are the convention's)."""
    args = SPECS[exercise].probe()
    real = SPECS[exercise].real(args)
    outs = _as_list(session.call(exercise, args).out)
    return any(tuple(o.shape) == tuple(real.shape) and bool(((o != 0) & ~real).any()) for o in outs)


def lam_ignored(args: list) -> Outputs:
    r, v, m, gamma, lam = _gae_inputs(args)
    adv = _scan(r, v, m, gamma, 1.0)
    return [adv, (adv + v) * m]


# -- shared property detectors ---------------------------------------------------------------------------
def _real(exercise: str, args: list) -> torch.Tensor | None:
    spec = SPECS[exercise]
    return spec.real(args) if spec.real else None


def _stateful(session: LearnerSession, exercise: str) -> bool:
    """Right on the main probe, wrong on the same values with the rows in another order."""
    spec = SPECS[exercise]
    args = [a.flip(0) if isinstance(a, torch.Tensor) and a.dim() else a for a in spec.probe()]
    outs = _as_list(session.call(exercise, args).out)
    return not _all_close(outs, expected(exercise, args), spec.scale(args), _real(exercise, args))


def _wrong_dtype(session: LearnerSession, exercise: str) -> bool:
    """Right values in another dtype, on float32 inputs (the main probe is float64)."""
    spec = SPECS[exercise]
    args = [a.float() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in spec.probe()]
    outs = _as_list(session.call(exercise, args).out)
    return any(o.dtype != torch.float32 for o in outs) and _all_close(outs, expected(exercise, args),
                                                                      spec.scale(args), _real(exercise, args))


def _wrong_device(session: LearnerSession, exercise: str) -> bool:
    args = [a.float() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in SPECS[exercise].probe()]
    try:
        device = session.call(exercise, args, device="meta").device
    except LearnerError as exc:
        return exc.kind == "exception" and any(m in str(exc.detail.get("message", "")) for m in _LEFT_DEVICE)
    return device != "meta"


GRAD_FLAGS = {"exact_kl": [True, True], "dpo_loss": [True, True, False, False, False]}


def _detached(session: LearnerSession, exercise: str) -> bool:
    """No gradient reaches an input that must get one (the first returned item's)."""
    if exercise not in GRAD_FLAGS:
        return False
    args = SPECS[exercise].probe()
    wants = expected(exercise, args)
    go: Any = torch.ones_like(wants[0])
    if len(wants) > 1:
        go = [go] + [None] * (len(wants) - 1)
    result = session.call(exercise, args, grad=GRAD_FLAGS[exercise], grad_output=go)
    first = result.requires_grad[0] if isinstance(result.requires_grad, tuple) else result.requires_grad
    return not first or any(g is None for g in (result.grads or [None]))


SPECS: dict[str, Spec] = {
    "exact_kl": Spec(_kl_probe, _kl_scale),
    "masked_rewards_kl": Spec(_rw_probe, _rw_scale, fallback=_rw_fallback),
    "dpo_loss": Spec(_dpo_probe, _dpo_scale),
    # gae's values at padding are a convention's (padding): its models are compared on the real tokens.
    "gae": Spec(_gae_probe, _gae_scale, real=lambda args: args[2] > 0),
}
MODELS: dict[str, Callable[[list], Outputs]] = {
    "exact_kl_reversed": exact_kl_reversed, "unweighted_sum": unweighted_sum,
    "logits_not_normalised": logits_not_normalised, "kl_mean_not_sum": kl_mean_not_sum,
    "kl_wrong_dim": kl_wrong_dim, "sign_flipped": exact_kl_sign_flipped, "cross_entropy_not_kl": cross_entropy_not_kl,
    "score_last_column": score_last_column, "kl_on_padding": kl_on_padding, "empty_row_scored": empty_row_scored,
    "score_past_end": score_past_end, "argmax_first_index": argmax_first_index,
    "kl_ctl_ignored": masked_kl_ctl_ignored, "reward_every_token": masked_reward_every_token,
    "wrong_estimator_k3": masked_k3,
    "score_off_by_one": score_off_by_one, "score_overwrites_kl": score_overwrites_kl,
    "score_off_by_one+empty_row_scored": trl_score_position,
    "score_not_added": score_not_added, "masked_kl_sign_flipped": masked_kl_sign_flipped,
    "dpo_sign_flipped": dpo_sign_flipped, "rewards_missing_beta": rewards_missing_beta,
    "dpo_beta_missing": dpo_beta_missing, "dpo_reference_ignored": dpo_reference_ignored,
    "dpo_beta_precedence": dpo_beta_precedence, "dpo_missing_minus": dpo_missing_minus,
    "gae_padding_leak": gae_padding_leak, "gamma_lam_swapped": gamma_lam_swapped,
    "returns_missing_values": returns_missing_values, "advantages_whitened": advantages_whitened,
    "lam_ignored": lam_ignored, "gae_last_step_skipped": _gae_with(last=False),
    "gae_forward_scan": _gae_with(forward=True), "gamma_missing": gamma_missing,
    "bootstrap_past_mask": _gae_with(bootstrap_masked=False), "returns_monte_carlo": returns_monte_carlo,
}
# Mistakes recognised from a result of the wrong shape (before any value is compared).
SHAPE_MISTAKES: dict[str, Callable[..., str | None]] = {"exact_kl": _kl_per_token}
DETECTORS: dict[str, Callable[[LearnerSession, str], bool]] = {
    "softmax_then_log": _softmax_then_log, "stateful": _stateful, "wrong_dtype": _wrong_dtype,
    "wrong_device": _wrong_device, "detached": _detached, "log_sigmoid_overflow": _log_sigmoid_overflow,
    "rewards_not_detached": _rewards_not_detached, "softplus_kink": _softplus_kink,
    "no_max_subtraction": _no_max_subtraction, "padding_not_zeroed": _padding_not_zeroed,
}
# Conventions whose detectors ask about inputs of their own, whatever the values elsewhere: named beside a
# mistake found otherwise.
BESIDE = ("padding_not_zeroed",)


# -- adaptive_kl_controller (a class: driven through updates, .value read after each) ---------------------
CONTROLLER_ARGS = [0.1, 5.0, 1000]
CONTROLLER_STEPS = [(8.0, 100), (5.5, 50), (1.0, 200), (4.5, 10), (30.0, 1000), (5.0, 300)]


def _controller(args: list, steps: list, clip: float | None = 0.2, use_n: bool = True, sign: float = 1.0,
                low: bool = True, high: bool = True, error_of: Callable[[float, float], float] | None = None,
                additive: bool = False, per_horizon: bool = True, stored: bool = True) -> list[float]:
    """The controller's value after each update, with one thing changed (by keyword)."""
    value, target, horizon = (float(a) for a in args)
    values = [value]
    for current, n in steps:
        error = sign * (current / target - 1) if error_of is None else error_of(current, target)
        if clip is not None and low:
            error = max(error, -clip)
        if clip is not None and high:
            error = min(error, clip)
        step = error * (n if use_n else 1) / (horizon if per_horizon else 1)
        new = value + step if additive else value * (1 + step)
        value = new if stored else value
        values.append(value)
    return values


CONTROLLER_MODELS: dict[str, Callable[[list, list], list[list[float]]]] = {
    "error_not_clipped": lambda a, s: [_controller(a, s, clip=None)],
    "n_steps_ignored": lambda a, s: [_controller(a, s, use_n=False)],
    "controller_sign_flipped": lambda a, s: [_controller(a, s, sign=-1.0)],
    "controller_additive": lambda a, s: [_controller(a, s, additive=True)],
    "controller_one_sided_clip": lambda a, s: [_controller(a, s, low=False), _controller(a, s, high=False)],
    "controller_difference": lambda a, s: [_controller(a, s, error_of=lambda kl, target: kl - target)],
    "controller_ratio_inverted": lambda a, s: [_controller(a, s, error_of=lambda kl, target: target / kl - 1)],
    "horizon_ignored": lambda a, s: [_controller(a, s, per_horizon=False)],
    "value_not_updated": lambda a, s: [_controller(a, s, stored=False)],
}


def _same(got: list[float], want: list[float], rel: float = 1e-9) -> bool:
    return len(got) == len(want) and all(abs(g - w) <= rel * (abs(w) + 1e-12) for g, w in zip(got, want))


def _accepts_bad_arguments(session: LearnerSession, exercise: str) -> bool:
    """A target of 0 is accepted (no ValueError from __init__)."""
    try:
        session.drive(exercise, [0.1, 0.0, 1000], [])
    except LearnerError as exc:
        if exc.kind != "exception":
            raise
        return False
    return True


def diagnose_controller(session: LearnerSession, exercise: str, mistakes: list,
                        allowed: list | None = None) -> dict | None:
    from grader.diagnosis.engine import detected

    by_id = {m.id: m for m in mistakes}
    unchecked = [m for m in allowed or mistakes if m.id == "arguments_not_checked"]

    def named(m: Any) -> dict:  # with the arguments' convention beside it, if it is missed too
        return m.diagnosis(also=detected(unchecked, lambda _: _accepts_bad_arguments, session, exercise))

    try:
        got = session.drive(exercise, CONTROLLER_ARGS, CONTROLLER_STEPS)
    except LearnerError:
        return None
    if abs(got[0] - CONTROLLER_ARGS[0]) > 1e-12 and "controller_shared_state" in by_id:
        return named(by_id["controller_shared_state"])  # it did not start from its own init_kl_coef
    if "nondeterministic" in by_id and not _same(got, session.drive(exercise, CONTROLLER_ARGS, CONTROLLER_STEPS)):
        return by_id["nondeterministic"].diagnosis()
    for m in mistakes:
        model = CONTROLLER_MODELS.get(m.id)
        # (to float32's precision: a clip through a float32 tensor is still that mistake)
        if model is not None and any(_same(got, v, 1e-6) for v in model(CONTROLLER_ARGS, CONTROLLER_STEPS)):
            return named(m)
    if not _same(got, _controller(CONTROLLER_ARGS, CONTROLLER_STEPS)) or "arguments_not_checked" not in by_id:
        return None
    found = detected([by_id["arguments_not_checked"]], lambda _: _accepts_bad_arguments, session, exercise)
    return found[0].diagnosis() if found else None


def diagnose(session: LearnerSession, exercise: str, mistakes: list, allowed: list | None = None) -> dict | None:
    """The first catalogued mistake (in the catalogue's order) the function behaves like, or None; with the
    conventions it also misses beside it (from ``allowed``, which a core failure does not narrow)."""
    from grader.diagnosis.engine import _mutated, _reduced, composites_of, detected, nondeterministic

    if exercise == "adaptive_kl_controller":
        return diagnose_controller(session, exercise, mistakes, allowed)
    by_id = {m.id: m for m in mistakes}
    beside = [m for m in allowed or mistakes if m.id in BESIDE and m.convention and exercise in m.exercises]

    def named(m: Any, others: list = ()) -> dict:
        extra = list(others) + detected([b for b in beside if b.id != m.id], lambda b: DETECTORS.get(b.id),
                                        session, exercise)
        return m.diagnosis(also=extra)

    spec = SPECS[exercise]
    args = spec.probe()
    try:
        result = session.call(exercise, args)
    except LearnerError as exc:
        if exc.kind == "exception" and exc.detail.get("type") in ("NotATensor", "NotATuple"):
            key = "no_return" if exc.detail.get("message") == "NoneType" else "not_a_tensor"
            return by_id[key].diagnosis() if key in by_id else None
        if exc.kind != "exception" or spec.fallback is None:
            return None
        args = spec.fallback()  # the same mistake may show where the case that raised is left out
        try:
            result = session.call(exercise, args)
        except LearnerError:
            return None
    if _mutated(args, result) and "input_mutated" in by_id:
        return by_id["input_mutated"].diagnosis()
    if "nondeterministic" in by_id and nondeterministic(session, exercise, args, result.out):
        return by_id["nondeterministic"].diagnosis()
    wants, scales = expected(exercise, args), spec.scale(args)
    real = spec.real(args) if spec.real else None
    outs = _as_list(result.out)
    if any(tuple(o.shape) != tuple(w.shape) for o, w in zip(outs, wants)):
        found = SHAPE_MISTAKES.get(exercise, lambda *a: None)(session, exercise, outs, wants, args)
        if found in by_id:
            return named(by_id[found])
        if "reduced" in by_id and any(tuple(o.shape) != tuple(w.shape) and _reduced(o, w, s)
                                      for o, w, s in zip(outs, wants, scales)):
            return named(by_id["reduced"])
        return None

    def matches(model_outputs: Outputs) -> bool:
        return all(o is not None for o in model_outputs) and _all_close(outs, model_outputs, scales, real)

    for m in mistakes:  # (a track-1 id of kind output reused here has its model in MODELS too)
        if m.id in MODELS and matches(MODELS[m.id](args)):
            return named(m)
    for composite, parts in composites_of(exercise, mistakes):
        if composite.id in MODELS and matches(MODELS[composite.id](args)):
            return named(parts[0], parts[1:])
    if not _all_close(outs, wants, scales, real):
        return None
    # Right on the main probe: what else did the checks catch? Every detector is asked.
    found = detected([m for m in mistakes if m.kind == "property"], lambda m: DETECTORS.get(m.id), session, exercise)
    return found[0].diagnosis(also=[m for m in found[1:] if m.convention]) if found else None
