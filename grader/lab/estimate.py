"""Sample x ~ q, evaluate k1, k2, k3 on the log-ratio, and summarise them against the closed forms.

``run_lab`` is what ``kldrill lab`` prints; a notebook can call it directly:

    >>> from grader.lab.estimate import run_lab
    >>> from grader.lab.gaussians import Gaussian
    >>> result = run_lab(q=Gaussian(0.5, 1), p=Gaussian(0, 1), samples=100_000)
    >>> result.true_kl, [f"{row.mean:.3f}" for row in result.rows]
    (0.125, ['0.125', '0.134', '0.126'])

The estimators come from a *source*: the reference formulas (``ReferenceEstimators``) or a learner's
code run in its own process, exactly as grading runs it (``LearnerEstimators``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from grader.lab.gaussians import Exact, Gaussian, exact, kl, r_moment_finite
from grader.lab.messages import Message

if TYPE_CHECKING:
    import torch

NAMES = ("k1", "k2", "k3")
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


class EstimatorUnavailable(Exception):
    """An estimator could not be evaluated; ``reason`` says why in either language."""

    def __init__(self, reason: Any) -> None:
        super().__init__(reason)
        self.reason = reason  # anything with render(lang)


class EstimatorSource(Protocol):
    label: str | None

    def values(self, name: str, log_p: "torch.Tensor", log_q: "torch.Tensor") -> "torch.Tensor": ...

    def grad_log_q(self, name: str, log_p: "torch.Tensor", log_q: "torch.Tensor",
                   weights: "torch.Tensor") -> "torch.Tensor": ...


# ---- the reference ------------------------------------------------------------------------------

def reference(name: str, log_p: "torch.Tensor", log_q: "torch.Tensor") -> "torch.Tensor":
    """k1, k2 or k3 as solutions/ writes them (k3 with expm1, accurate for log r near 0)."""
    import torch

    if name not in NAMES:
        raise KeyError(name)
    if name == "k1":
        return log_q - log_p
    log_r = log_p - log_q
    if log_r.requires_grad:  # autograd needs the intermediates intact
        return log_r * log_r / 2 if name == "k2" else torch.expm1(log_r) - log_r
    # In place otherwise: a million-sample tensor is 8 MB, and every fresh one costs page faults
    # (three times the run time). The roundings are the same as log_r * log_r / 2 and expm1 - log_r.
    if name == "k2":
        return log_r.square_().div_(2)
    return torch.expm1(log_r).sub_(log_r)


class ReferenceEstimators:
    label: str | None = None

    def __enter__(self) -> "ReferenceEstimators":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def values(self, name: str, log_p: "torch.Tensor", log_q: "torch.Tensor") -> "torch.Tensor":
        return reference(name, log_p, log_q)

    def grad_log_q(self, name: str, log_p: "torch.Tensor", log_q: "torch.Tensor",
                   weights: "torch.Tensor") -> "torch.Tensor":
        import torch

        lq = log_q.detach().clone().requires_grad_(True)
        (grad,) = torch.autograd.grad((reference(name, log_p, lq) * weights).sum(), [lq])
        return grad


# ---- a learner's code, through the grading isolation --------------------------------------------

class LearnerEstimators:
    """k1, k2, k3 from a workspace folder or a .py file, called in the learner's own process.

    Nothing the learner's code returns reaches this process except plain tensors (grader/isolation/wire.py).
    Raises grader.intake.submission.SubmissionError for a path that cannot be used.
    """

    def __init__(self, path: str | Path, call_timeout: float = 30.0) -> None:
        from grader.isolation.limits import Limits
        from grader.intake.submission import resolve

        self.submission = resolve(path)
        self.label = str(path)
        self.limits = Limits(call_timeout=call_timeout, total_timeout=max(90.0, 4 * call_timeout))
        self.session: Any = None

    def __enter__(self) -> "LearnerEstimators":
        from grader.judging.grading import use_sandbox
        from grader.isolation.privileges import not_dumpable
        from grader.isolation.session import LearnerSession

        not_dumpable()  # this process judges the learner's numbers: out of reach of its /proc
        self.session = LearnerSession(self.submission, self.limits, sandbox=use_sandbox(None))
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def _call(self, name: str, args: list, **kwargs: Any) -> Any:
        from grader.checks.support import reason
        from grader.isolation.session import LearnerError

        if self.session is None:  # used without `with`: start on first use; close() ends it
            self.__enter__()
        loaded = self.session.load(name)
        if loaded.status == "missing":
            raise EstimatorUnavailable(Message("not_defined", name=name))
        if loaded.status == "error":
            raise EstimatorUnavailable(reason(loaded.error))
        try:
            return self.session.call(name, args, **kwargs)
        except LearnerError as exc:
            raise EstimatorUnavailable(reason(exc)) from None

    def values(self, name: str, log_p: "torch.Tensor", log_q: "torch.Tensor") -> "torch.Tensor":
        import torch

        out = self._call(name, [log_p, log_q]).out
        if tuple(out.shape) != tuple(log_p.shape):
            raise EstimatorUnavailable(Message("wrong_shape", name=name, got=tuple(out.shape),
                                               want=tuple(log_p.shape)))
        if not out.is_floating_point():
            raise EstimatorUnavailable(Message("not_float", name=name, dtype=str(out.dtype)))
        return out.to(torch.float64)

    def grad_log_q(self, name: str, log_p: "torch.Tensor", log_q: "torch.Tensor",
                   weights: "torch.Tensor") -> "torch.Tensor":
        import torch

        result = self._call(name, [log_p, log_q], grad=[False, True], grad_output=weights)
        grads = result.grads
        if not grads or grads[0] is None:
            raise EstimatorUnavailable(Message("no_gradient", name=name))
        return grads[0].to(torch.float64)


# ---- sampling and summaries ---------------------------------------------------------------------

def sample_log_densities(q: Gaussian, p: Gaussian, samples: int, seed: int = 0
                         ) -> tuple["torch.Tensor", "torch.Tensor"]:
    """(log p(x), log q(x)) for ``samples`` draws x ~ q, float64, reproducible from ``seed``.

    The draws are q.mean + q.std * z for one stream z per seed, so runs that differ only in p
    see the same x (common random numbers: a sweep over p varies smoothly).
    """
    import torch

    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(samples, generator=gen, dtype=torch.float64)
    # x = q.mean + q.std * z; in-place steps keep a million samples at three 8 MB tensors.
    log_q = z.square().mul_(-0.5).sub_(math.log(q.std) + _LOG_SQRT_2PI)
    u = z.mul_(q.std / p.std).add_((q.mean - p.mean) / p.std)  # (x - p.mean) / p.std, z's storage reused
    log_p = u.square_().mul_(-0.5).sub_(math.log(p.std) + _LOG_SQRT_2PI)
    return log_p, log_q


@dataclass
class EstimatorRow:
    name: str
    exact: Exact
    mean: float | None = None
    std: float | None = None
    sem: float | None = None  # standard error of the mean: std / sqrt(samples)
    negative_fraction: float | None = None
    nonfinite: int = 0  # values that were NaN or inf (a learner's implementation can produce them)
    error: Any = None  # why the estimator could not be evaluated (has render(lang))
    values: "torch.Tensor | None" = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class LabResult:
    q: Gaussian
    p: Gaussian
    samples: int
    seed: int
    true_kl: float
    rows: list[EstimatorRow]
    warnings: list[Message]
    impl: str | None = None

    def bias(self, row: EstimatorRow) -> float | None:
        return None if row.mean is None else row.mean - self.true_kl

    def relative(self, value: float | None) -> float | None:
        """value / true KL, or None when the true KL is 0 (p = q)."""
        if value is None or self.true_kl <= 0:
            return None
        return value / self.true_kl

    def row(self, name: str) -> EstimatorRow:
        return next(r for r in self.rows if r.name == name)

    def to_json(self) -> dict:
        estimators = []
        for row in self.rows:
            entry = {
                "name": row.name,
                "mean": _finite(row.mean),
                "std": _finite(row.std),
                "bias": _finite(self.bias(row)),
                "negative_fraction": _finite(row.negative_fraction),
                "sem": _finite(row.sem),
                "bias_over_true": _finite(self.relative(self.bias(row))),
                "std_over_true": _finite(self.relative(row.std)),
                "exact_mean": _finite(row.exact.mean),
                "exact_std": _finite(row.exact.std),  # null where the variance is infinite
                "exact_negative_fraction": row.exact.negative_fraction,
            }
            if row.nonfinite:
                entry["nonfinite"] = row.nonfinite
            if row.error is not None:
                entry["error"] = row.error.render("en")
            estimators.append(entry)
        return {"p": self.p.to_json(), "q": self.q.to_json(), "samples": self.samples, "seed": self.seed,
                "true_kl": self.true_kl, "impl": self.impl, "estimators": estimators,
                "warnings": [w.render("en") for w in self.warnings]}


def _finite(x: float | None) -> float | None:
    """JSON has no inf or NaN: those become null."""
    return x if x is not None and math.isfinite(x) else None


def summarize(values: "torch.Tensor") -> tuple[float, float, float, float, int]:
    """(mean, sample std, standard error of the mean, fraction < 0, non-finite count) of a 1-D tensor."""
    import torch

    n = values.numel()
    mean = float(values.mean())
    std = float(values.std()) if n > 1 else 0.0
    # NaN and inf reach the mean or the std; only then is counting them worth a pass.
    nonfinite = 0 if math.isfinite(mean) and math.isfinite(std) else int((~torch.isfinite(values)).sum())
    negative = int(torch.count_nonzero(values < 0)) / n
    return mean, std, std / math.sqrt(n), negative, nonfinite


def lab_warnings(q: Gaussian, p: Gaussian) -> list[Message]:
    """What the closed forms say about reading this pair's numbers."""
    if not r_moment_finite(q, p, 2):
        return [Message("k3_infinite_variance", sp=f"{p.std:g}", sq=f"{q.std:g}")]
    if not r_moment_finite(q, p, 4):
        return [Message("k3_heavy_tails", sp=f"{p.std:g}", sq=f"{q.std:g}")]
    return []


def run_lab(q: Gaussian, p: Gaussian, samples: int = 1_000_000, seed: int = 0,
            source: EstimatorSource | None = None, keep_values: bool = False) -> LabResult:
    """Estimate KL(q || p) with k1, k2, k3 on ``samples`` draws from q.

    ``source``: where the estimators come from (default: the reference). An estimator the source
    cannot evaluate gets a row with ``error`` set and no numbers. ``keep_values`` keeps the
    per-sample values on each row (for plotting).
    """
    if samples < 2:
        raise ValueError("samples must be at least 2")
    source = source or ReferenceEstimators()
    log_p, log_q = sample_log_densities(q, p, samples, seed)
    rows = []
    for ex in exact(q, p):
        row = EstimatorRow(ex.name, ex)
        try:
            values = source.values(ex.name, log_p, log_q)
        except EstimatorUnavailable as exc:
            row.error = exc.reason
        else:
            row.mean, row.std, row.sem, row.negative_fraction, row.nonfinite = summarize(values)
            if keep_values:
                row.values = values
        rows.append(row)
    return LabResult(q, p, samples, seed, kl(q, p), rows, lab_warnings(q, p), getattr(source, "label", None))
