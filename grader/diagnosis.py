"""Name the mistake behind a failed exercise, by behaviour (grader/data/mistakes.yaml).

The learner's function is called (in its own process, like the checks) on fixed probe inputs; its
outputs are compared with what each catalogued mistake would return. The source is never read, so
the same mistake written in any style gets the same id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import torch
import yaml

from grader.checks.inputs import ESTIMATORS, estimator_args, estimator_scale, log_ratio
from grader.checks.support import reference
from grader.isolation.session import CallResult, LearnerError, LearnerSession
from grader.resources import package_data


@dataclass(frozen=True)
class Mistake:
    id: str
    kind: str
    exercises: tuple[str, ...]
    expr: dict[str, str]
    message: dict[str, str]

    def diagnosis(self) -> dict:
        return {"id": self.id, "message": dict(self.message)}


@lru_cache(maxsize=None)
def catalogue() -> tuple[Mistake, ...]:
    raw = yaml.safe_load(package_data("mistakes.yaml").read_text(encoding="utf-8"))
    return tuple(Mistake(id=m["id"], kind=m["kind"], exercises=tuple(m.get("exercises") or m.get("expr", {})),
                         expr=m.get("expr", {}), message=m["message"]) for m in raw["mistakes"])


def _probe_args(exercise: str, dtype: torch.dtype = torch.float64, **kw: Any) -> list:
    if exercise == "compute_rewards_kl":
        g = torch.Generator().manual_seed(73)
        reward = torch.tensor([[1.5], [-0.75], [2.0]], dtype=torch.float64)
        ref = -4 * torch.rand(3, 4, generator=g, dtype=torch.float64) - 0.1
        old = (ref + 0.6 * torch.randn(3, 4, generator=g, dtype=torch.float64)).clamp(max=0.0)
        return [reward.to(dtype), ref.to(dtype), old.to(dtype), 0.3]
    a, b = estimator_args(exercise, (4, 5), seed=71, **kw)
    return [a.to(dtype), b.to(dtype)]


def _expected(exercise: str, args: list) -> torch.Tensor:
    return reference(exercise)(*[a.double() if isinstance(a, torch.Tensor) else a for a in args])


def _scale(exercise: str, args: list) -> torch.Tensor:
    if exercise == "compute_rewards_kl":
        reward, ref, old, c = args
        return 1.0 + abs(c) * (ref.double().abs() + old.double().abs()) + reward.double().abs()
    return estimator_scale(exercise, *args)


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
    return eval(m.expr[exercise], {"__builtins__": {}}, scope)  # our own catalogue, not learner input


def _mutated(args: list, result: CallResult) -> bool:
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
    args = _probe_args(exercise, torch.float32)
    out = session.call(exercise, args).out
    return out.dtype != torch.float32 and _close(out, _expected(exercise, args), _scale(exercise, args))


def _detached(session: LearnerSession, exercise: str) -> bool:
    if exercise not in ESTIMATORS:
        return False
    args = _probe_args(exercise)
    flags = [True, exercise != "grpo_kl"]  # as the checks: grpo_kl's gradient must reach pi_logprob only
    result = session.call(exercise, args, grad=flags, grad_output=torch.ones(4, 5, dtype=torch.float64))
    return not result.requires_grad or any(g is None for g in (result.grads or [None]))


def _underflow_ratio(session: LearnerSession, exercise: str) -> bool:
    if exercise not in ESTIMATORS:
        return False
    args = _probe_args(exercise, torch.float32, center=-100.0)
    out = session.call(exercise, args).out
    return bool((~torch.isfinite(out)).any()) and bool(torch.isfinite(_expected(exercise, args)).all())


def _clamped(session: LearnerSession, exercise: str) -> bool:
    if exercise not in ESTIMATORS:
        return False
    lr = torch.linspace(-25.0, 25.0, 51, dtype=torch.float64)
    base = torch.full_like(lr, -30.0)
    args = [base, base + lr] if exercise == "grpo_kl" else [base + lr, base]
    out = session.call(exercise, args).out.double()
    want = _expected(exercise, args)
    scale = _scale(exercise, args)
    return not _close(out, want, scale) and bool((out.abs() <= want.abs() + 1e-6).all())


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
}


def diagnose(session: LearnerSession, exercise: str) -> dict | None:
    """The catalogued mistake the learner's function behaves like, or None."""
    mistakes = [m for m in catalogue() if exercise in m.exercises]
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
    want = _expected(exercise, args)
    scale = _scale(exercise, args)
    out = result.out
    if out.shape != want.shape:
        return by_id["reduced"].diagnosis() if "reduced" in by_id and _reduced(out, want, scale) else None
    for m in mistakes:
        if m.kind == "output" and _close(out, _mistake_output(m, exercise, args, want), scale):
            return m.diagnosis()
        if m.id == "reward_wrong_position" and reward_column(out, args, want) not in (None, want.shape[1] - 1):
            return m.diagnosis()
    if not _close(out, want, scale):
        return None
    for m in mistakes:  # right values on the main probe: look for what else the checks caught
        detector = DETECTORS.get(m.id)
        try:
            if detector is not None and detector(session, exercise):
                return m.diagnosis()
        except LearnerError:
            return None
    return None
