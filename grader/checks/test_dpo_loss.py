"""Hidden checks of dpo_loss: the per-pair DPO loss and the detached implicit rewards."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.multi import check_device_parts, check_grads, check_parts
from grader.checks.support import CheckFailure, Text, call, describe_call, miss, reference

pytestmark = pytest.mark.exercise("dpo_loss")
EX = "dpo_loss"
PARTS = ["losses", "chosen_rewards", "rejected_rewards"]


def make(batch: int, beta: float, dtype: torch.dtype, seed: int, margin: float = 1.0) -> list:
    """Sequence log-probs (sums over a response: tens of nats) whose log-ratios differ by ~margin."""
    g = generator(seed)
    ref_c = -40 * torch.rand(batch, generator=g, dtype=torch.float64) - 5
    ref_r = -40 * torch.rand(batch, generator=g, dtype=torch.float64) - 5
    pol_c = ref_c + margin * torch.randn(batch, generator=g, dtype=torch.float64)
    pol_r = ref_r + margin * torch.randn(batch, generator=g, dtype=torch.float64)
    return [t.to(dtype) for t in (pol_c, pol_r, ref_c, ref_r)] + [beta]


def margins(args: list) -> torch.Tensor:
    pc, pr, rc, rr, beta = args
    return beta * ((pc.double() - rc.double()) - (pr.double() - rr.double()))


def scales(args: list) -> list:
    """Rounding: each subtraction of log-probs of size |logp|, times beta; the loss also grows like |z|."""
    pc, pr, rc, rr, beta = (a.double() if isinstance(a, torch.Tensor) else a for a in args)
    size = beta * (pc.abs() + pr.abs() + rc.abs() + rr.abs())
    return [1.0 + size + margins(args).abs(), 1.0 + beta * (pc.abs() + rc.abs()), 1.0 + beta * (pr.abs() + rr.abs())]


def expected(args: list) -> list:
    return [o.double() for o in reference(EX)(*[a.double() if isinstance(a, torch.Tensor) else a for a in args])]


def run(learner, args: list, wants: list | None = None, again: bool = False) -> None:
    result = call(learner, EX, args)
    check_parts(EX, args, result, wants or expected(args), args[0].dtype, scales(args), PARTS, again)


def reference_grads(args: list, go: torch.Tensor) -> list:
    leaves = [a.detach().clone().requires_grad_(i < 2) if isinstance(a, torch.Tensor) else a
              for i, a in enumerate(args)]
    losses = reference(EX)(*leaves)[0]
    return [g.detach() for g in torch.autograd.grad((losses * go).sum(), leaves[:2])]


def run_grads(learner, args: list, go: torch.Tensor) -> None:
    result = call(learner, EX, args, grad=[True, True, False, False, False], grad_output=[go, None, None])
    check_parts(EX, args, result, expected(args), args[0].dtype, scales(args), PARTS)
    if not result.requires_grad[0]:
        raise CheckFailure("check_no_grad", call=describe_call(EX, args), arg="policy_chosen_logps")
    # The rewards are logged metrics, not part of the loss: detached (the convention `detach`) they pass
    # no gradient back. Asked for one through them alone, the judge sees it in the values it receives,
    # whatever the learner's process says about requires_grad.
    through = call(learner, EX, args, grad=[True, True, False, False, False], grad_output=[None, go, go])
    if any(g is not None and bool((g != 0).any()) for g in through.grads or []):
        miss("detach", Text("check_not_detached", call=describe_call(EX, args), part="chosen_rewards"))
    # The gradient is beta * sigmoid(-z) * go: off by the rounding of z (of the log-probs' size) times
    # sigmoid's slope (at most 1/4), and by its own rounding.
    grad_scale = args[4] * scales(args)[0] * go.abs().double()
    check_grads(EX, args, result.grads, ["policy_chosen_logps", "policy_rejected_logps"],
                reference_grads([a.double() if isinstance(a, torch.Tensor) else a for a in args], go.double()),
                grad_scale, args[0].dtype)


def test_hand_examples(learner) -> None:
    # Pair 0: log-ratios 0.5 and -0.5, z = 0.1 * 1.0, loss = log(1 + e^-0.1) = 0.644397, rewards +-0.05.
    # Pair 1: policy = reference, z = 0: loss log 2, rewards 0.
    t = lambda *x: torch.tensor(x, dtype=torch.float64)  # noqa: E731
    run(learner, [t(-1.0, -3.0), t(-2.0, -3.0), t(-1.5, -3.0), t(-1.5, -3.0), 0.1],
        [t(math.log1p(math.exp(-0.1)), math.log(2.0)), t(0.05, 0.0), t(-0.05, 0.0)])


@pytest.mark.parametrize("dtype,batch,beta", [
    ("float32", 8, 0.1), ("float32", 1, 0.5), ("float64", 16, 0.1), ("float64", 5, 2.0),
    ("bfloat16", 6, 0.1), ("float16", 6, 0.1),
], ids=lambda v: str(v))
def test_matches_reference(learner, dtype: str, batch: int, beta: float) -> None:
    dt = getattr(torch, dtype)
    run(learner, make(batch, beta, dt, seed=batch * 7 + int(beta * 10)))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_large_margins(learner, dtype: str) -> None:
    """|z| from 20 to 1e4 both ways: loss ~ -z for very negative z, ~ e^-z for large z; never inf."""
    dt = getattr(torch, dtype)
    z = torch.tensor([-1e4, -1e3, -120.0, -100.0, -90.0, -20.0, 20.0, 90.0, 120.0, 1e3, 1e4], dtype=torch.float64)
    ref = torch.full_like(z, -50.0)
    args = [(ref + z).to(dt), ref.to(dt), ref.to(dt), ref.to(dt), 1.0]
    run(learner, args)


def test_empty_batch(learner) -> None:
    run(learner, make(0, 0.1, torch.float32, seed=3))


def test_gradients(learner) -> None:
    """d loss / d policy_chosen = -beta * sigmoid(-z), the rejected one its negative; rewards detached."""
    args = make(6, 0.3, torch.float64, seed=11, margin=3.0)
    run_grads(learner, args, torch.randn(6, generator=generator(13), dtype=torch.float64))


def test_gradient_at_zero_margin(learner) -> None:
    """Policy = reference (DPO's first step): z = 0 exactly, the gradient is -beta / 2 and +beta / 2."""
    args = make(4, 0.5, torch.float64, seed=17)
    args = [args[2].clone(), args[3].clone(), args[2], args[3], 0.5]
    run_grads(learner, args, torch.ones(4, dtype=torch.float64))


def test_gradients_at_large_margins(learner) -> None:
    """Finite, right gradients where sigmoid saturates (float32, |z| up to 1e3)."""
    z = torch.tensor([-1e3, -150.0, -30.0, 30.0, 150.0, 1e3], dtype=torch.float64)
    ref = torch.full_like(z, -50.0)
    args = [(ref + z).float(), ref.float(), ref.float(), ref.float(), 1.0]
    run_grads(learner, args, torch.ones(6, dtype=torch.float32))


def test_repeated_calls(learner) -> None:
    args = make(5, 0.2, torch.float64, seed=19)
    run(learner, args)
    rows = torch.tensor([4, 2, 0, 3, 1])
    run(learner, [a[rows] - 1.0 if isinstance(a, torch.Tensor) else 0.4 for a in args], again=True)


def test_device(learner) -> None:
    check_device_parts(learner, EX, make(3, 0.1, torch.float32, seed=23), [(3,), (3,), (3,)], torch.float32)
