"""Hidden checks of AdaptiveKLController: the judge drives the learner's object and reads .value."""

from __future__ import annotations

import math

import pytest

from grader.checks.inputs import generator
from grader.checks.support import CheckFailure, LearnerError, Text, call_failure, miss, reason, reference
from grader.exercises import get as meta

pytestmark = pytest.mark.exercise("adaptive_kl_controller")
EX = "adaptive_kl_controller"


def describe(args: list, steps: list) -> str:
    shown = ", ".join(f"update({c:g}, {n})" for c, n in steps[:3]) + (", ..." if len(steps) > 3 else "")
    init = ", ".join(f"{a:g}" for a in args)
    return f"{meta(EX).function}({init})" + (f" then {shown}" if steps else "")


def drive(learner, args: list, steps: list) -> list[float]:
    try:
        return learner.drive(EX, args, steps)
    except LearnerError as exc:
        if exc.kind == "exception" and exc.detail.get("type") == "NotANumber":
            raise CheckFailure("check_value_not_number", call=describe(args, steps),
                               type=exc.detail.get("message", "")) from None
        raise call_failure(EX, describe(args, steps), exc) from None


def expected(args: list, steps: list) -> list[float]:
    obj = reference(EX)(*args)
    values = [float(obj.value)]
    for step in steps:
        obj.update(*step)
        values.append(float(obj.value))
    return values


# Relative error allowed per update: the core tier accepts float32 arithmetic (a value kept in a float32
# tensor, as a torch-based controller may); full float64 precision (a few ulps per update: multiplying in
# another order, numpy's clip) is the convention `precision`.
CORE, STRICT = 1e-6, 1e-12


def run(learner, args: list, steps: list) -> None:
    got, want = drive(learner, args, steps), expected(args, steps)
    for tier in (CORE, STRICT):
        for i, (g, w) in enumerate(zip(got, want)):
            if not abs(g - w) <= tier * abs(w) * (1 + i) + 1e-300:
                wrong = Text("check_wrong_value_after", call=describe(args, steps[:i] if i else []),
                             after=i, want=f"{w:.17g}", got=f"{g:.17g}")
                if tier == CORE:
                    raise CheckFailure(wrong.key, **wrong.fields)
                miss("precision", wrong)
                return


def test_starts_at_the_initial_coefficient(learner) -> None:
    run(learner, [0.1, 6.0, 10000], [])
    run(learner, [0.0, 1.0, 1], [(5.0, 10)])  # a zero coefficient stays zero


def test_hand_examples(learner) -> None:
    # KL 9 against target 6: error 0.5, clipped to 0.2, times 5000 / 10000: value * 1.1 = 0.11. Then at the
    # target: unchanged. Then KL 3: error -0.5, clipped to -0.2: value * 0.9 = 0.099.
    run(learner, [0.1, 6.0, 10000], [(9.0, 5000), (6.0, 5000), (3.0, 5000)])


def test_small_errors_are_not_clipped(learner) -> None:
    """|current / target - 1| below 0.2: the error is used as it is (no sign() or constant step)."""
    run(learner, [0.2, 4.0, 1000], [(4.4, 100), (3.8, 50), (4.05, 200), (3.3, 10)])


def test_large_errors_are_clipped(learner) -> None:
    """KL far above or below the target (or 0): the error is clipped to +-0.2."""
    run(learner, [0.05, 2.0, 512], [(50.0, 64), (0.0, 64), (1e6, 256), (2.0 * 1.2, 32), (2.0 * 0.8, 32)])


def test_n_steps_scales_the_step(learner) -> None:
    """The same error with n_steps 1, 0 (no change), 10 and the horizon itself."""
    run(learner, [0.3, 1.0, 100], [(1.1, 1), (1.1, 0), (1.1, 10), (0.95, 100)])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_sequences(learner, seed: int) -> None:
    g = generator(seed)
    import torch

    target = float(0.5 + 10 * torch.rand((), generator=g, dtype=torch.float64))
    horizon = int(torch.randint(100, 20000, (), generator=g))
    kls = (target * 2 * torch.rand(60, generator=g, dtype=torch.float64)).tolist()
    ns = torch.randint(0, 600, (60,), generator=g).tolist()
    run(learner, [0.1 * seed, target, horizon], list(zip(kls, ns)))


def test_each_object_keeps_its_own_state(learner) -> None:
    """Two controllers one after the other: the second starts from its own initial value."""
    run(learner, [0.1, 6.0, 10000], [(9.0, 5000), (9.0, 5000)])
    run(learner, [0.4, 2.0, 100], [(1.0, 10)])


@pytest.mark.parametrize("args", [[0.1, 0.0, 10000], [0.1, -1.0, 10000], [0.1, 6.0, 0], [0.1, 6.0, -5]],
                         ids=["target-0", "target-negative", "horizon-0", "horizon-negative"])
def test_bad_arguments_raise_value_error(learner, args: list) -> None:
    try:
        learner.drive(EX, args, [])
    except LearnerError as exc:
        if exc.kind == "exception" and exc.detail.get("type") == "ValueError":
            return
        if exc.kind == "exception" and exc.detail.get("type") == "NotImplementedError":
            raise call_failure(EX, describe(args, []), exc) from None
        raise CheckFailure("check_no_value_error", call=describe(args, []), got=reason(exc)) from None
    raise CheckFailure("check_no_value_error", call=describe(args, []), got="")


def test_value_is_finite_on_a_long_run(learner) -> None:
    """300 updates at the target: value unchanged, exactly (error 0)."""
    values = drive(learner, [0.07, 3.0, 1000], [(3.0, 100)] * 300)
    for tier in (CORE * 0.07, 1e-15):
        off = [(i, v) for i, v in enumerate(values) if not (math.isfinite(v) and abs(v - 0.07) <= tier)]
        if off:
            wrong = Text("check_wrong_value_after", call=describe([0.07, 3.0, 1000], [(3.0, 100)]),
                         after=off[0][0], want="0.07", got=f"{off[0][1]:.17g}")
            if tier != 1e-15:
                raise CheckFailure(wrong.key, **wrong.fields)
            miss("precision", wrong)
            return
