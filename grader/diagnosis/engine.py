"""Name the mistake behind a failed exercise, by behaviour (grader/data/mistakes.yaml).

The learner's function is called (in its own process, like the checks) on fixed probe inputs; its
outputs are compared with what each catalogued mistake would return. The source is never read, so
the same mistake written in any style gets the same id.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import torch

from grader import datafile
from grader.checks.inputs import ESTIMATORS, estimator_args, estimator_scale, log_ratio, lr_args
from grader.checks.support import _LEFT_DEVICE, reference, tolerance
from grader.isolation.session import CallResult, LearnerError, LearnerSession
from grader.resources import package_data


@dataclass(frozen=True)
class Mistake:
    id: str
    kind: str
    exercises: tuple[str, ...]
    expr: dict[str, tuple[str, ...]]  # one or more expressions of what the mistaken code returns
    message: dict[str, str]
    convention: str | None = None  # the convention it is a choice of, for a mistake that is not wrong maths
    hidden_by: tuple[str, ...] = ()  # mistakes whose behaviour its detector also sees

    def diagnosis(self, also: list["Mistake"] | tuple = ()) -> dict:
        """The verdict's diagnosis: this mistake, and ``also`` the others the same code shows beside it
        (conventions beside a core mistake, or the other parts of a composite), but those the others explain."""
        found = self.named()
        shown = {self.id} | {m.id for m in also}
        extra = list({m.id: m.named() for m in also if m.id != self.id and not shown & set(m.hidden_by)}.values())
        if extra:
            found["also"] = extra
        return found

    def named(self) -> dict:
        found = {"id": self.id, "message": dict(self.message)}
        if self.convention:
            found["convention"] = self.convention
        return found


@dataclass(frozen=True)
class Composite:
    """Two (or more) differences that real code combines (verl's GAE whitens and leaves returns unmasked):
    the engines model them together; the diagnosis names the parts, the first as the mistake, the others
    beside it."""
    parts: tuple[str, ...]
    exercises: tuple[str, ...]

    @property
    def id(self) -> str:
        return "+".join(self.parts)


@lru_cache(maxsize=None)
def _raw() -> dict:
    return datafile.load(package_data("mistakes.yaml"))


@lru_cache(maxsize=None)
def catalogue() -> tuple[Mistake, ...]:
    return tuple(Mistake(id=m["id"], kind=m["kind"], exercises=tuple(m.get("exercises") or m.get("expr", {})),
                         expr={k: tuple(v) if isinstance(v, list) else (v,) for k, v in m.get("expr", {}).items()},
                         message=m["message"], convention=m.get("convention"),
                         hidden_by=tuple(m.get("hidden_by") or ())) for m in _raw()["mistakes"])


@lru_cache(maxsize=None)
def composites() -> tuple[Composite, ...]:
    return tuple(Composite(tuple(c["parts"]), tuple(c["exercises"])) for c in _raw().get("composites") or [])


def composites_of(exercise: str, mistakes: list[Mistake] | tuple) -> list[tuple[Composite, list[Mistake]]]:
    """The composites of ``exercise`` whose every part is among ``mistakes`` (those that may be named), with
    the parts as mistakes, in order."""
    by_id = {m.id: m for m in mistakes}
    return [(c, [by_id[p] for p in c.parts]) for c in composites()
            if exercise in c.exercises and all(p in by_id for p in c.parts)]


def same_output(a: Any, b: Any) -> bool:
    """Bit for bit the same results (NaN equal to NaN): tensors, or tuples and lists of them."""
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b)
                and all(same_output(x, y) for x, y in zip(a, b)))
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        return (a.shape == b.shape and a.dtype == b.dtype
                and bool(((a == b) | (a.isnan() & b.isnan())).all()))
    return a == b


NONDETERMINISTIC_CALLS = 6  # a rare random event (one flip in ten over five elements) can repeat once by chance


def nondeterministic(session: LearnerSession, exercise: str, args: list, first: Any) -> bool:
    """The same inputs again give other results (something random, or state that moves at each call). Asked
    up to NONDETERMINISTIC_CALLS more times: two draws of a rare random event often agree."""
    for _ in range(NONDETERMINISTIC_CALLS):
        again = session.call(exercise, [a.clone() if isinstance(a, torch.Tensor) else a for a in args]).out
        if not same_output(first, again):
            return True
    return False


def _probe_args(exercise: str, dtype: torch.dtype = torch.float64, **kw: Any) -> list:
    if exercise == "compute_rewards_kl":
        g = torch.Generator().manual_seed(73)
        reward = torch.tensor([[1.5], [-0.75], [2.0], [0.25], [-1.25]], dtype=torch.float64)
        ref = -4 * torch.rand(5, 4, generator=g, dtype=torch.float64) - 0.1
        old = (ref + 0.6 * torch.randn(5, 4, generator=g, dtype=torch.float64)).clamp(max=0.0)
        return [reward.to(dtype), ref.to(dtype), old.to(dtype), 0.3]
    a, b = estimator_args(exercise, (4, 5), seed=71, **kw)
    return [a.to(dtype), b.to(dtype)]


def _expected(exercise: str, args: list) -> torch.Tensor:
    return reference(exercise)(*[a.double() if isinstance(a, torch.Tensor) else a for a in args])


def _scale(exercise: str, args: list) -> torch.Tensor:
    if exercise == "compute_rewards_kl":
        reward, ref, old, c = args
        return 1.0 + abs(float(c)) * (ref.double().abs() + old.double().abs()) + reward.double().abs()
    return estimator_scale(exercise, *args)


def _exact(got: torch.Tensor, want: torch.Tensor, scale: torch.Tensor, dtype: torch.dtype) -> bool:
    """Within the checks' own tolerance for ``dtype`` (float64: float64-accurate)."""
    if got.shape != want.shape:
        return False
    return bool(((got.double() - want.double()).abs() <= tolerance(dtype, want.double(), scale)).all())


def _close(got: torch.Tensor, want: torch.Tensor, scale: torch.Tensor) -> bool:
    if got.shape != want.shape:
        return False
    got, want = got.double(), want.double()
    return bool(((got - want).abs() <= 1e-5 * (want.abs() + scale)).all())


def _mistake_output(m: Mistake, exercise: str, args: list, want: torch.Tensor) -> torch.Tensor:
    names = {"k1": ("log_p", "log_q"), "k2": ("log_p", "log_q"), "k3": ("log_p", "log_q"),
             "grpo_kl": ("pi_logprob", "pi_ref_logprob"),
             "compute_rewards_kl": ("reward", "ref_logprobs", "old_logprobs", "kl_ctl")}[exercise]
    scope: dict[str, Any] = {"torch": torch, "ref": want}
    scope.update({n: a.double() if isinstance(a, torch.Tensor) else a for n, a in zip(names, args)})
    if exercise in ESTIMATORS:
        scope["lr"] = log_ratio(exercise, scope[names[0]], scope[names[1]])
    return [eval(e, {"__builtins__": {}}, scope) for e in m.expr[exercise]]  # our own catalogue


def _mutated(args: list, result: CallResult) -> bool:
    if result.restrided and any(result.restrided):
        return True  # shape or strides changed in place (t_(), squeeze_(), set_())
    return any(isinstance(a, torch.Tensor) and not (isinstance(b, torch.Tensor) and b.shape == a.shape
                                                    and torch.equal(a, b))
               for a, b in zip(args, result.args_after))


def _reduced(out: torch.Tensor, want: torch.Tensor, scale: torch.Tensor) -> bool:
    if out.shape == want.shape:
        return False
    candidates = [want.mean(), want.sum()]
    for dim in range(want.dim()):
        candidates += [want.mean(dim), want.sum(dim)]
    s = float(scale.max())
    return any(out.shape == c.shape and bool(((out.double() - c).abs() <= 1e-5 * (c.abs() + s)).all())
               for c in candidates)


# -- property detectors for values that are right on the main probe -----------------------------------
def _wrong_dtype(session: LearnerSession, exercise: str) -> bool:
    """Right values in another dtype: for float32 inputs, for float64 ones (.float()), or for mixed
    dtypes (a wider reward, or the first input's dtype instead of the promoted one)."""
    probes = [(_probe_args(exercise, torch.float32), torch.float32),
              (_probe_args(exercise, torch.float64), torch.float64)]
    mixed = _probe_args(exercise, torch.float64)
    if exercise == "compute_rewards_kl":
        mixed = [mixed[0], mixed[1].float(), mixed[2].float(), mixed[3]]
        probes.append((mixed, torch.float32))
    else:
        probes.append(([mixed[0].float(), mixed[1]], torch.float64))
    for args, dtype in probes:
        out = session.call(exercise, args).out
        if out.dtype != dtype and _close(out, _expected(exercise, args), _scale(exercise, args)):
            return True
    return False


def _stateful(session: LearnerSession, exercise: str) -> bool:
    """Right on the main probe, wrong on the same values in another order (rows reversed): the function
    remembers something from an earlier call (the main probe's shape is one no check uses)."""
    args = [a.flip(0) if isinstance(a, torch.Tensor) else a for a in _probe_args(exercise)]
    out = session.call(exercise, args).out
    return not _close(out, _expected(exercise, args), _scale(exercise, args))


def _meta_error(session: LearnerSession, exercise: str) -> tuple[str | None, str]:
    """The meta-device call's outcome: (the result's device or None if it raised, the error message)."""
    args = _probe_args(exercise, torch.float32)
    try:
        return session.call(exercise, args, device="meta").device, ""
    except LearnerError as exc:
        if exc.kind != "exception":
            raise
        return None, str(exc.detail.get("message", ""))


def _numpy_round_trip(session: LearnerSession, exercise: str) -> bool:
    device, message = _meta_error(session, exercise)
    return device is None and "numpy" in message


def _wrong_device(session: LearnerSession, exercise: str) -> bool:
    device, message = _meta_error(session, exercise)
    return device not in (None, "meta") or (device is None and any(m in message for m in _LEFT_DEVICE))


# Each estimator with an epsilon inside its log, log(r + eps), as a function of r and eps; and that solved for
# eps from an output (log(r + eps) is negative where these probes look: r and eps are far below 1).
_WITH_EPS: dict[str, Callable[[torch.Tensor, float], torch.Tensor]] = {
    "k1": lambda r, eps: -torch.log(r + eps),
    "k2": lambda r, eps: torch.log(r + eps) ** 2 / 2,
    "k3": lambda r, eps: r - 1 - torch.log(r + eps),
}
_EPS_OF: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "k1": lambda out, r: torch.exp(-out) - r,
    "k2": lambda out, r: torch.exp(-torch.sqrt(2 * out.clamp(min=0))) - r,
    "k3": lambda out, r: torch.exp(r - 1 - out) - r,
}


def _log_epsilon(session: LearnerSession, exercise: str) -> bool:
    """log(r + eps) inside the estimator: where r << eps the result stops growing. Solving each value for
    eps gives one and the same positive eps (a correct function gives 0)."""
    if exercise not in ESTIMATORS:
        return False
    form = "k3" if exercise == "grpo_kl" else exercise
    lr = [-40.0, -36.0, -32.0, -28.0]
    args = lr_args(exercise, lr)
    out = session.call(exercise, args).out.double()
    r = torch.tensor(lr, dtype=torch.float64).exp()
    if out.shape != r.shape or not bool(torch.isfinite(out).all()):
        return False
    guess = _EPS_OF[form](out, r)
    if not (bool((guess > 1e-20).all()) and float(guess.max() / guess.min()) < 1.5):
        return False
    # Confirm where r is near that eps (a clamp also stops growing, but not along this curve).
    eps = float(guess.median())
    lr = [math.log(eps) + k for k in (-1.0, 0.0, 1.0, 3.0)]
    args = lr_args(exercise, lr)
    out = session.call(exercise, args).out.double()
    model = _WITH_EPS[form](torch.tensor(lr, dtype=torch.float64).exp(), eps)
    return out.shape == model.shape and bool(((out - model).abs() <= 1e-3 * model.abs()).all())


def _overflow_round_trip(session: LearnerSession, exercise: str) -> bool:
    """inf or NaN for large |log r| in float32 where the true value is finite: log r recomputed through
    exp and log (log(exp(x)), log1p(expm1(x)))."""
    if exercise not in ESTIMATORS:
        return False
    lr = [-120.0, -104.0, -90.0, -30.0, -20.0, 60.0] + ([95.0] if exercise in ("k1", "k2") else [])
    args = lr_args(exercise, lr, torch.float32)
    out = session.call(exercise, args).out
    want = _expected(exercise, args).float()
    return out.shape == want.shape and bool((~torch.isfinite(out) & torch.isfinite(want)).any())


def _lost_precision(session: LearnerSession, exercise: str) -> bool:
    """Right to 1% but not float64-accurate on float64 inputs: float32 arithmetic inside, a float32
    coefficient, or a series near log r = 0."""
    probes = [_probe_args(exercise)]
    if exercise in ("k3", "grpo_kl"):
        probes.append(lr_args(exercise, [1e-3, -1e-3, 5e-3, -5e-3, 1e-6, 0.5]))
    for args in probes:
        out, want, scale = session.call(exercise, args).out, _expected(exercise, args), _scale(exercise, args)
        if out.dtype != torch.float64 or out.shape != want.shape or _exact(out, want, scale, torch.float64):
            continue
        if float(((out.double() - want).abs() / (want.abs() + 1e-12)).max()) < 1e-2:
            return True
    return False


def _wrong_ref_gradient(session: LearnerSession, exercise: str) -> bool:
    """grpo_kl: a gradient reaches pi_ref_logprob and it is not the true one."""
    if exercise != "grpo_kl":
        return False
    from grader.checks.support import reference_with_grads

    args = _probe_args(exercise)
    go = torch.ones(4, 5, dtype=torch.float64)
    _, (_, want) = reference_with_grads(exercise, args, [True, True], go)
    grads = session.call(exercise, args, grad=[True, True], grad_output=go).grads or [None, None]
    return grads[1] is not None and not _close(grads[1], want, _scale(exercise, args))


def _detached(session: LearnerSession, exercise: str) -> bool:
    if exercise not in ESTIMATORS:
        return False
    args = _probe_args(exercise)
    flags = [True, exercise != "grpo_kl"]  # as the checks: grpo_kl's gradient must reach pi_logprob only
    result = session.call(exercise, args, grad=flags, grad_output=torch.ones(4, 5, dtype=torch.float64))
    return not result.requires_grad or any(g is None for g in (result.grads or [None]))


def _underflow_ratio(session: LearnerSession, exercise: str) -> bool:
    """exp(log_p) / exp(log_q) with very negative log-probs: 0/0 (NaN) or x/0 (inf) where the probabilities
    underflow, and finite but wrong values where they are denormals (few significant bits left), while the
    same log-ratios at ordinary log-probs come out right."""
    if exercise not in ESTIMATORS:
        return False
    for dtype, center in ((torch.float32, -100.0), (torch.float64, -735.0)):
        args = _probe_args(exercise, dtype, center=center)
        out = session.call(exercise, args).out
        want = _expected(exercise, args)
        if out.shape != want.shape or not bool(torch.isfinite(want).all()):
            continue
        if bool((~torch.isfinite(out)).any()):
            return True
        if float(((out.double() - want).abs() / (want.abs() + 1e-3)).max()) > 1e-2:
            ordinary = _probe_args(exercise, dtype)
            got = session.call(exercise, ordinary).out
            return bool(((got.double() - _expected(exercise, ordinary)).abs()
                         <= 1e-3 * (_expected(exercise, ordinary).abs() + 1e-3)).all())
    return False


def _wide_args(exercise: str) -> list:
    lr = torch.linspace(-25.0, 25.0, 51, dtype=torch.float64)
    base = torch.full_like(lr, -30.0)
    return [base, base + lr] if exercise == "grpo_kl" else [base + lr, base]


def _on_wide_args(session: LearnerSession, exercise: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None:
    """An estimator's output on log-ratios from -25 to 25, what it should be, and the scale to compare them
    at; None for an exercise that is not an estimator."""
    if exercise not in ESTIMATORS:
        return None
    args = _wide_args(exercise)
    return session.call(exercise, args).out.double(), _expected(exercise, args), _scale(exercise, args)


def _clamped_at_10(session: LearnerSession, exercise: str) -> bool:
    """Values clamped to [-10, 10] (OpenRLHF's every estimator, verl's k3) and exact inside."""
    wide = _on_wide_args(session, exercise)
    if wide is None:
        return False
    out, want, scale = wide
    return not _close(out, want, scale) and _close(out, want.clamp(-10, 10), scale)


def _clamped(session: LearnerSession, exercise: str) -> bool:
    wide = _on_wide_args(session, exercise)
    if wide is None:
        return False
    out, want, scale = wide
    if not _close(out, want, scale) and bool((out.abs() <= want.abs() + 1e-6).all()):
        return True
    # A true inf (k3 beyond exp's range in float32) replaced by a finite number (nan_to_num, clamp).
    args = lr_args(exercise, [100.0, 200.0] if exercise in ("k3", "grpo_kl") else [1e20, -1e20], torch.float32)
    out = session.call(exercise, args).out
    want = _expected(exercise, args).float()
    return out.shape == want.shape and bool((torch.isinf(want) & torch.isfinite(out)).any())


def reward_column(out: torch.Tensor, args: list, want: torch.Tensor) -> int | None:
    """The one column that got the sequence reward, if the rest is exactly the KL penalty."""
    reward = args[0].double()
    penalty = want.clone()
    penalty[:, -1] -= reward[:, 0]
    extra = out.double() - penalty
    scale = 1e-5 * (1.0 + want.abs())
    for column in range(want.shape[1]):
        expected = torch.zeros_like(want)
        expected[:, column] = reward[:, 0]
        if bool(((extra - expected).abs() <= scale).all()):
            return column
    return None


DETECTORS: dict[str, Callable[[LearnerSession, str], bool]] = {
    "wrong_dtype": _wrong_dtype, "detached": _detached, "underflow_ratio": _underflow_ratio, "clamped": _clamped,
    "clamped_at_10": _clamped_at_10,
    "stateful": _stateful, "numpy_round_trip": _numpy_round_trip, "wrong_device": _wrong_device,
    "log_epsilon": _log_epsilon, "overflow_round_trip": _overflow_round_trip, "lost_precision": _lost_precision,
    "wrong_ref_gradient": _wrong_ref_gradient,
}


def diagnose_track1(session: LearnerSession, exercise: str, mistakes: list[Mistake]) -> dict | None:
    """Track 1's diagnosis (one tensor out, the catalogue's ``output`` expressions and ``DETECTORS``):
    the first of ``mistakes`` the learner's function behaves like, or None. The entry point, which picks
    the track, is grader/diagnosis/dispatch.py."""
    by_id = {m.id: m for m in mistakes}
    args = _probe_args(exercise)
    try:
        result = session.call(exercise, args)
    except LearnerError as exc:
        if exc.kind == "exception" and exc.detail.get("type") == "NotATensor":
            value = exc.detail.get("value")
            if isinstance(value, (int, float)) and _reduced(torch.tensor(float(value), dtype=torch.float64),
                                                            _expected(exercise, args), _scale(exercise, args)):
                key = "reduced"  # e.g. .mean().item(): a reduction first, a float second
            else:
                key = "no_return" if exc.detail.get("message") == "NoneType" else "not_a_tensor"
            return by_id[key].diagnosis() if key in by_id else None
        return None
    if _mutated(args, result) and "input_mutated" in by_id:
        return by_id["input_mutated"].diagnosis()
    if "nondeterministic" in by_id and nondeterministic(session, exercise, args, result.out):
        return by_id["nondeterministic"].diagnosis()
    want = _expected(exercise, args)
    scale = _scale(exercise, args)
    out = result.out
    if out.shape != want.shape:
        return by_id["reduced"].diagnosis() if "reduced" in by_id and _reduced(out, want, scale) else None
    for m in mistakes:
        if m.kind == "output" and any(_close(out, o, scale) for o in _mistake_output(m, exercise, args, want)):
            return m.diagnosis()
        if m.id == "reward_wrong_position" and reward_column(out, args, want) not in (None, want.shape[1] - 1):
            return m.diagnosis()
    if not _close(out, want, scale):
        return None
    # Right values on the main probe: what else did the checks catch? Every detector is asked, so that
    # code that differs in two ways (OpenRLHF: float32 and a clamp) has both named.
    found = detected(mistakes, lambda m: DETECTORS.get(m.id), session, exercise)
    return found[0].diagnosis(also=[m for m in found[1:] if m.convention]) if found else None


def detected(mistakes: list | tuple, detector_of: Callable[[Mistake], Callable | None], session: LearnerSession,
             exercise: str) -> list[Mistake]:
    """The mistakes whose detector finds their behaviour, in the catalogue's order. A detector whose call
    fails (the function raised on its probe) finds nothing."""
    found = []
    for m in mistakes:
        detector = detector_of(m)
        try:
            if detector is not None and detector(session, exercise):
                found.append(m)
        except LearnerError as exc:
            if exc.kind != "exception":  # the learner's process is gone: nothing more to ask it
                break
    return found
