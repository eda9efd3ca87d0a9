"""Closed forms for the lab's Gaussian pairs: the true KL and the exact mean, std and sign of k1, k2, k3.

Pure Python (math only), so the CLI can validate input and a notebook can check numbers without torch.

With x ~ q = N(mq, sq^2) and x = mq + sq z, z ~ N(0, 1), the log-ratio is a quadratic in z:

    Y = log r = log p(x) - log q(x) = c + a z + b z^2,
    b = (1 - sq^2/sp^2) / 2,   a = -sq (mq - mp) / sp^2,   c = log(sq/sp) - (mq - mp)^2 / (2 sp^2).

Every moment below follows from that: polynomial moments of z for k1 and k2, and the moment-generating
function E[exp(tY)] = exp(tc + (ta)^2 / (2(1 - 2tb))) / sqrt(1 - 2tb), finite iff 1 - 2tb > 0, for k3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from grader.i18n import KeyedError


class GaussianError(KeyedError, ValueError):
    """A Gaussian that cannot be used (non-finite mean, std not > 0); ``key`` names the message."""


@dataclass(frozen=True)
class Gaussian:
    mean: float
    std: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mean) and math.isfinite(self.std)):
            raise GaussianError("not_finite", value=f"{self.mean:g},{self.std:g}")
        if self.std <= 0:
            raise GaussianError("std_not_positive", value=f"{self.mean:g},{self.std:g}")

    def label(self) -> str:
        return f"N({self.mean:g}, {self.std:g}²)" if self.std != 1 else f"N({self.mean:g}, 1)"

    def to_json(self) -> dict:
        return {"mean": self.mean, "std": self.std}


def parse_gaussian(text: str) -> Gaussian:
    """'MEAN,STD' -> Gaussian; GaussianError('format') for anything else."""
    parts = text.split(",")
    if len(parts) != 2:
        raise GaussianError("format", value=text)
    try:
        mean, std = float(parts[0]), float(parts[1])
    except ValueError:
        raise GaussianError("format", value=text) from None
    return Gaussian(mean, std)


def kl(q: Gaussian, p: Gaussian) -> float:
    """KL(q || p) for one-dimensional Gaussians."""
    return math.log(p.std / q.std) + (q.std**2 + (q.mean - p.mean) ** 2) / (2 * p.std**2) - 0.5


# ---- the log-ratio as a quadratic in a standard normal -----------------------------------------

def _coefficients(q: Gaussian, p: Gaussian) -> tuple[float, float, float]:
    d = q.mean - p.mean
    b = (1 - q.std**2 / p.std**2) / 2
    a = -q.std * d / p.std**2
    c = math.log(q.std / p.std) - d**2 / (2 * p.std**2)
    return c, a, b


def _normal_moment(n: int) -> float:
    """E[z^n] for z ~ N(0, 1): 0 for odd n, (n - 1)!! for even n."""
    if n % 2:
        return 0.0
    return float(math.prod(range(n - 1, 0, -2)))


def _poly_mul(f: list[float], g: list[float]) -> list[float]:
    out = [0.0] * (len(f) + len(g) - 1)
    for i, x in enumerate(f):
        for j, y in enumerate(g):
            out[i + j] += x * y
    return out


def _expect(poly: list[float]) -> float:
    """E[sum_k poly[k] z^k]."""
    return sum(coef * _normal_moment(k) for k, coef in enumerate(poly))


def _mgf(t: float, c: float, a: float, b: float) -> float:
    """E[exp(tY)]; inf where it diverges."""
    s = 1 - 2 * t * b
    if s <= 0:
        return math.inf
    return math.exp(t * c + (t * a) ** 2 / (2 * s)) / math.sqrt(s)


def _std_normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


# ---- what each estimator should give -----------------------------------------------------------

@dataclass(frozen=True)
class Exact:
    """Exact mean, std (inf when the variance diverges) and P(value < 0) of one estimator."""

    name: str
    mean: float
    std: float
    negative_fraction: float


def r_moment_finite(q: Gaussian, p: Gaussian, t: float) -> bool:
    """Whether E_q[r^t] is finite: iff 1 - t (1 - sq^2/sp^2) > 0.

    t = 2 (the variance of k3): iff sp^2 < 2 sq^2, i.e. 2/sp^2 - 1/sq^2 > 0. A p with tails heavier
    than that makes r = p/q grow faster than q decays.
    """
    _, _, b = _coefficients(q, p)
    return 1 - 2 * t * b > 0


def prob_log_ratio_positive(q: Gaussian, p: Gaussian) -> float:
    """P_q(log r > 0) = P(k1 < 0): solve c + a z + b z^2 > 0 for z."""
    c, a, b = _coefficients(q, p)
    if abs(b) < 1e-15:
        if a == 0:
            return 1.0 if c > 0 else 0.0
        return _std_normal_cdf(c / abs(a))  # P(a z > -c)
    disc = a * a - 4 * b * c
    if disc <= 0:  # the quadratic never changes sign: its sign is b's
        return 1.0 if b > 0 else 0.0
    root = math.sqrt(disc)
    lo, hi = sorted(((-a - root) / (2 * b), (-a + root) / (2 * b)))
    inside = _std_normal_cdf(hi) - _std_normal_cdf(lo)
    return 1 - inside if b > 0 else inside


def exact(q: Gaussian, p: Gaussian) -> list[Exact]:
    """The closed-form mean, std and negative fraction of k1, k2, k3 with x ~ q."""
    c, a, b = _coefficients(q, p)
    y = [c, a, b]
    y2 = _poly_mul(y, y)
    y4 = _poly_mul(y2, y2)
    m1, m2, m4 = _expect(y), _expect(y2), _expect(y4)
    var_y = m2 - m1 * m1
    true = kl(q, p)
    k1 = Exact("k1", -m1, math.sqrt(max(var_y, 0.0)), prob_log_ratio_positive(q, p))
    k2 = Exact("k2", m2 / 2, math.sqrt(max(m4 - m2 * m2, 0.0)) / 2, 0.0)
    # k3 = (r - 1) - Y with E[r] = 1 (p has full support): Var = E[r^2] - 1 + Var(Y) - 2 Cov(r, Y),
    # where E[Y r] = d/dt E[exp(tY)] at t = 1.
    if r_moment_finite(q, p, 2):
        s = 1 - 2 * b
        e_y_r = c + b / s + a * a * (1 - b) / (s * s)  # times E[r] = 1
        var_k3 = _mgf(2, c, a, b) - 1 + var_y - 2 * (e_y_r - m1)
        k3_std = math.sqrt(max(var_k3, 0.0))
    else:
        k3_std = math.inf
    k3 = Exact("k3", true, k3_std, 0.0)
    return [k1, k2, k3]
