"""What gradient each estimator gives when it is used as a loss: exact expectations on a small policy.

The policy pi_theta = softmax(theta) over a handful of outcomes and a fixed reference ref play q and p
of the estimators (x ~ pi_theta, log r = log ref - log pi_theta, as in GRPO). Instead of sampling,
every expectation is the exact sum over outcomes, so the identities hold to rounding error:

    E_pi[grad k1] = 0                      (k1 as a loss does nothing on average)
    E_pi[grad k2] = grad KL(pi || ref)     (the reverse KL that k1, k2, k3 estimate)
    E_pi[grad k3] = grad KL(ref || pi)     (the forward KL: not the one its value estimates)
    E_pi[sg(k1) grad log pi] = grad KL(pi || ref)   (k1 as a detached REINFORCE reward, PPO-style)

"grad k" is the pathwise gradient autograd computes on a sampled x (through log pi_theta(x) only).

These are per-token facts: x is one outcome of one distribution. Over a whole response, summed per-token
k2 (or k3, or "k3+") losses miss how earlier tokens change the distributions of later ones, while k1 as a
reward whose return sums the rest of the response's KL stays exact (Tang and Munos, arXiv:2506.09477;
tests/test_question_bank.py checks both on a two-token policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from grader.lab.estimate import NAMES, EstimatorSource, EstimatorUnavailable, ReferenceEstimators

if TYPE_CHECKING:
    import torch

TARGETS = ("zero", "reverse", "forward")  # 0, grad KL(pi || ref), grad KL(ref || pi)
TOLERANCE = 1e-9  # float64 sums over a few outcomes agree to ~1e-16; anything wrong is off by far more


@dataclass
class GradientRow:
    name: str  # k1, k2, k3, reinforce_k1, reinforce_k3
    use: str  # "loss" or "reward"
    expected_target: str  # what the maths says it should match (facts.md §2, §6)
    gradient: "torch.Tensor | None" = None
    distances: dict[str, float] = field(default_factory=dict)  # target -> max |difference|
    error: Any = None

    @property
    def matches(self) -> str | None:
        """The target this row's gradient equals (within TOLERANCE), if any."""
        for target in TARGETS:
            if self.distances.get(target, float("inf")) <= TOLERANCE:
                return target
        return None


@dataclass
class GradientResult:
    pi: "torch.Tensor"
    ref: "torch.Tensor"
    targets: dict[str, "torch.Tensor"]
    rows: list[GradientRow]
    seed: int
    impl: str | None = None

    def to_json(self) -> dict:
        return {
            "seed": self.seed,
            "impl": self.impl,
            "pi": self.pi.tolist(),
            "ref": self.ref.tolist(),
            "targets": {k: v.tolist() for k, v in self.targets.items()},
            "rows": [{"name": r.name, "use": r.use, "expected_target": r.expected_target,
                      "gradient": None if r.gradient is None else r.gradient.tolist(),
                      "distances": r.distances, "matches": r.matches,
                      "error": None if r.error is None else r.error.render("en")} for r in self.rows],
        }


def policy(outcomes: int = 5, seed: int = 0) -> tuple["torch.Tensor", "torch.Tensor"]:
    """(theta, log ref): random logits for the policy and a different random reference, float64."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    theta = torch.randn(outcomes, generator=gen, dtype=torch.float64)
    ref_logits = torch.randn(outcomes, generator=gen, dtype=torch.float64)
    return theta, torch.log_softmax(ref_logits, dim=0)


def _grad(scalar: "torch.Tensor", theta: "torch.Tensor") -> "torch.Tensor":
    import torch

    (g,) = torch.autograd.grad(scalar, [theta])
    return g


def true_gradients(theta: "torch.Tensor", log_ref: "torch.Tensor") -> dict[str, "torch.Tensor"]:
    """Autograd of the closed-form sums: 0, grad KL(pi || ref), grad KL(ref || pi)."""
    import torch

    th = theta.detach().clone().requires_grad_(True)
    log_pi = torch.log_softmax(th, dim=0)
    reverse = _grad((log_pi.exp() * (log_pi - log_ref)).sum(), th)
    th = theta.detach().clone().requires_grad_(True)
    log_pi = torch.log_softmax(th, dim=0)
    forward = _grad((log_ref.exp() * (log_ref - log_pi)).sum(), th)
    return {"zero": torch.zeros_like(theta), "reverse": reverse, "forward": forward}


def expected_loss_gradient(source: EstimatorSource, name: str, theta: "torch.Tensor",
                           log_ref: "torch.Tensor") -> "torch.Tensor":
    """sum_x pi(x) * grad_theta k(log ref(x), log pi_theta(x)): the exact mean of the sampled gradient.

    The source gives d/d log_q of sum_x pi(x) k(x) (pi held fixed, as a sample's weight is); the
    chain rule through log_softmax then gives the gradient in theta.
    """
    import torch

    th = theta.detach().clone().requires_grad_(True)
    log_pi = torch.log_softmax(th, dim=0)
    weights = log_pi.detach().exp()
    d_log_q = source.grad_log_q(name, log_ref, log_pi.detach(), weights)
    return _grad((log_pi * d_log_q).sum(), th)


def expected_reward_gradient(source: EstimatorSource, name: str, theta: "torch.Tensor",
                             log_ref: "torch.Tensor") -> "torch.Tensor":
    """sum_x pi(x) * sg(k(x)) * grad log pi(x): the estimator as a detached REINFORCE reward (cost)."""
    import torch

    th = theta.detach().clone().requires_grad_(True)
    log_pi = torch.log_softmax(th, dim=0)
    values = source.values(name, log_ref, log_pi.detach()).detach()
    return _grad((log_pi.detach().exp() * values * log_pi).sum(), th)


def run_gradients(source: EstimatorSource | None = None, outcomes: int = 5, seed: int = 0) -> GradientResult:
    """The exact expected gradients of k1, k2, k3 (as losses) and of k1, k3 (as rewards) against the targets."""
    source = source or ReferenceEstimators()
    theta, log_ref = policy(outcomes, seed)
    targets = true_gradients(theta, log_ref)
    plan = [(n, "loss", t) for n, t in zip(NAMES, ("zero", "reverse", "forward"))]
    plan += [("k1", "reward", "reverse"), ("k3", "reward", "none")]
    rows = []
    for name, use, expected in plan:
        row = GradientRow(name, use, expected)
        try:
            fn = expected_loss_gradient if use == "loss" else expected_reward_gradient
            row.gradient = fn(source, name, theta, log_ref)
        except EstimatorUnavailable as exc:
            row.error = exc.reason
        else:
            row.distances = {t: float((row.gradient - g).abs().max()) for t, g in targets.items()}
        rows.append(row)
    return GradientResult(pi=theta.softmax(0), ref=log_ref.exp(), targets=targets, rows=rows, seed=seed,
                          impl=getattr(source, "label", None))
