"""What the hidden checks share: calling the learner, comparing with the reference, and saying what
went wrong in plain words (rendered in the learner's language by the judge)."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Any, Callable, Sequence

import torch

from grader import exercises, resources
from grader.i18n import Message, t
from grader.isolation.session import CallResult, LearnerError, LearnerSession


# A UI string (grader/data/ui.yaml) with its fields, rendered once the language is known.
Text = Message


class CheckFailure(AssertionError):
    """A check failed; the message is a Text so the judge can render it in either language.

    ``if_it_ran``: for a NotImplementedError, what to say instead when the function ran on other inputs
    (then it is not a stub left unwritten, but a mode or a case it chose not to handle)."""

    def __init__(self, key: str, if_it_ran: Text | None = None, **fields: Any) -> None:
        self.text = Text(key, **fields)
        self.if_it_ran = if_it_ran
        super().__init__(self.text.render("en"))


# -- The convention tier inside core checks (grader/checks/conventions.yaml) ---------------------------
# A core check whose values are right at the core tier's tolerance, but that misses a convention (full
# float64 precision, the result's dtype, ...), notes the miss here and goes on, so a later call of the same
# check can still fail on the maths. The judge takes the notes when the check ends.
_missed: list[tuple[str, Text]] = []


def miss(convention: str, text: Text) -> None:
    """The check now running met the maths but missed ``convention`` (``text`` says how)."""
    _missed.append((convention, text))


def take_missed() -> list[tuple[str, Text]]:
    """The conventions the check that just ran missed, in order; the list starts empty again."""
    missed = list(_missed)
    _missed.clear()
    return missed


# Precision, least first: bfloat16 keeps 8 significant bits, float16 11, float32 24, float64 53.
_RANK = {torch.bfloat16: 0, torch.float16: 1, torch.float32: 2, torch.float64: 3}


def core_dtype(dtype: torch.dtype, args: Sequence[Any] = ()) -> torch.dtype:
    """The precision the core tier holds a result of ``dtype`` to: never finer than float32 (a float64
    result computed in float32 inside, as OpenRLHF does, is right maths), nor than the narrowest floating
    input (bf16 logits give log-probs of bf16 precision, as TRL returns them)."""
    dtypes = [dtype, *(a.dtype for a in args if isinstance(a, torch.Tensor) and a.dtype in _RANK)]
    narrowest = min(dtypes, key=lambda d: _RANK.get(d, 3))
    return torch.float32 if narrowest == torch.float64 else narrowest


def _narrower(a: torch.dtype, b: torch.dtype) -> bool:
    return _RANK.get(a, 3) < _RANK.get(b, 3)


@lru_cache(maxsize=None)
def reference(exercise: str) -> Callable[..., torch.Tensor]:
    meta = exercises.get(exercise)
    path = resources.solutions_dir() / meta.file
    spec = importlib.util.spec_from_file_location(f"_kldrill_reference_{exercise}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, meta.function)


def fmt_num(x: float) -> str:
    return f"{x:.6g}"


def fmt_distinct(values: Sequence[float]) -> list[str]:
    """``values`` with 6 significant digits, or as many more as it takes for different values not to look
    alike (log_p=-0.5, log_q=-0.500000001: not "-0.5" twice, when their difference is the point)."""
    for digits in (6, 9, 12, 17):
        shown = [f"{v:.{digits}g}" for v in values]
        if all(a == b or shown[i] != shown[j] for i, a in enumerate(values) for j, b in enumerate(values)
               if a == a and b == b):  # (NaN is shown as nan, whatever it is paired with)
            return shown
    return shown


def fmt_tensor(x: Any, limit: int = 6) -> str:
    if not isinstance(x, torch.Tensor):
        return fmt_num(x) if isinstance(x, float) else repr(x)
    values = x.detach().double().reshape(-1)
    shown = ", ".join(fmt_num(v) for v in values[:limit].tolist())
    more = ", ..." if values.numel() > limit else ""
    if x.dim() == 0:
        return f"{shown} ({str(x.dtype).replace('torch.', '')})"
    return f"[{shown}{more}] (shape {tuple(x.shape)}, {str(x.dtype).replace('torch.', '')})"


def describe_call(exercise: str, args: Sequence[Any]) -> str:
    names = exercises.get(exercise).args
    inner = ", ".join(f"{n}={fmt_tensor(a, 3)}" for n, a in zip(names, args))
    return f"{exercises.get(exercise).function}({inner})"


def call(learner: LearnerSession, exercise: str, args: Sequence[Any], **grad: Any) -> CallResult:
    try:
        return learner.call(exercise, list(args), **grad)
    except LearnerError as exc:
        raise call_failure(exercise, describe_call(exercise, args), exc) from None


def call_failure(exercise: str, shown: str, exc: LearnerError) -> CheckFailure:
    """The failure for a call that raised (``shown``: the call as the message shows it). A
    NotImplementedError reads "not written yet" only if the function never ran: the judge knows."""
    failed = CheckFailure("check_call_failed", call=shown, reason=reason(exc))
    if exc.kind == "exception" and exc.detail.get("type") == "NotImplementedError":
        return CheckFailure("check_not_implemented", if_it_ran=failed.text,
                            function=exercises.get(exercise).function, where=where(exc.detail))
    return failed


def where(detail: dict) -> Text | str:
    """Where the learner's code failed: 'k3.py:7', or the notebook's cell and line, in words."""
    cell = detail.get("cell")
    if isinstance(cell, list) and len(cell) == 3:
        return Text("where_cell", file=cell[0], cell=cell[1], line=cell[2])
    return detail.get("where") or ""


def reason(exc: LearnerError) -> Text:
    d = exc.detail
    if exc.kind == "exception":
        kind = d.get("type")
        if kind == "NotATensor":
            return Text("reason_not_tensor", type=d.get("message"))
        if kind == "TensorSubclass":
            return Text("reason_tensor_subclass", type=d.get("message"))
        if kind == "NotATuple":
            return Text("reason_not_tuple", type=d.get("message"))
        if kind == "WrongCount":
            return Text("reason_wrong_count", got=d.get("message"))
        shown = Text("where_paren", where=where(d)) if d.get("where") else ""
        return Text("reason_exception", type=kind, message=d.get("message", ""), where=shown)
    if exc.kind == "refused":
        return Text(d["key"], **d["fields"])
    return Text(f"reason_{exc.kind}", seconds=f"{exc.seconds:g}", message=d.get("message", ""))


def eps(dtype: torch.dtype) -> float:
    return torch.finfo(dtype).eps


def tolerance(dtype: torch.dtype, want: torch.Tensor, scale: torch.Tensor, factor: float | None = None
              ) -> torch.Tensor:
    """How far a correct result may sit from the float64 reference, element by element.

    Rounding errors grow with the size of the intermediate terms (``scale``), not only with the
    result, so k3 near zero computed as exp(x) - 1 - x in bfloat16, or in float64, is still accepted.
    Each dtype is held to its own precision: 64 units of float64's eps for float64 results (computing
    them in float32 is off by ~1e-7 relative: the convention ``precision``, see check_values), 64 of
    float32's for float32, 16 of the half types' own eps for bfloat16 and float16 (torch rounds their
    every operation), unless a check that knows its terms asks for another ``factor``.
    """
    if factor is None:
        factor = 16.0 if dtype in (torch.bfloat16, torch.float16) else 64.0
    scale = torch.where(torch.isfinite(scale), scale, torch.zeros_like(scale))  # an infinite input
    return factor * eps(dtype) * (want.abs() + scale)


def _index(flat_index: int, shape: Sequence[int]) -> tuple[int, ...]:
    idx = []
    for size in reversed(shape):
        idx.append(flat_index % size)
        flat_index //= size
    return tuple(reversed(idx))


def check_unmodified(exercise: str, args: Sequence[Any], result: CallResult) -> None:
    """The inputs as they were sent: values, shape, dtype and strides (the worker reports strides)."""
    names = exercises.get(exercise).args
    restrided = result.restrided or [False] * len(args)
    for name, before, after, moved in zip(names, args, result.args_after, restrided):
        if not isinstance(before, torch.Tensor):
            continue
        same = after is before  # (the same object: reported unchanged)
        if not same:
            same = (isinstance(after, torch.Tensor) and after.shape == before.shape
                    and after.dtype == before.dtype
                    and bool(((after == before) | (after.isnan() & before.isnan())).all()))
        if not same or moved:
            raise CheckFailure("check_input_modified", call=describe_call(exercise, args), arg=name)


def _off(got: torch.Tensor, want: torch.Tensor, dtype: torch.dtype, tol: torch.Tensor) -> torch.Tensor:
    """Where ``got`` is not ``want`` (float64) within ``tol``. The true value rounded to ``dtype`` is +-inf
    where it overflows there (k3 at log r = 100 in float32 is inf, as the formula's IEEE arithmetic gives):
    such a value may come out exactly so. NaN (an indeterminate form of the formula) must come out NaN, and
    nowhere else."""
    close = (got - want).abs() <= tol
    in_dtype = want.to(dtype).double()
    bad = ~torch.where(torch.isinf(in_dtype), close | (got == in_dtype), close)
    return torch.where(want.isnan(), ~got.isnan(), bad)


def check_values(exercise: str, args: Sequence[Any], got: torch.Tensor, want: torch.Tensor,
                 dtype: torch.dtype, scale: torch.Tensor, what: Any = "", slack: Any = 0.0,
                 factor: float | None = None, slack_for: str | None = None) -> None:
    """got (learner, any dtype) against want (float64 reference), in two tiers: at the core tolerance
    (``core_dtype``'s, plus ``slack``, an allowance a check grants for the convention ``slack_for``, such as
    a framework's own eps) or the check fails; at ``dtype``'s own tolerance, or the check notes a convention
    missed: ``slack_for`` where the slack explains the difference, else ``precision``. ``factor``: units of the
    core dtype's eps the core tier allows (see ``tolerance``)."""
    want = want.double()
    got64 = got.double()
    scale = scale.double().expand_as(want)
    core = core_dtype(dtype, args)
    slack = torch.as_tensor(slack, dtype=torch.float64).expand_as(want)
    bad = _off(got64, want, core, tolerance(core, want, scale, factor) + slack)
    if bool(bad.any()):
        key, fields = _wrong_values(exercise, args, got64, want, bad, what)
        raise CheckFailure(key, **fields)
    strict = tolerance(dtype, want, scale)
    bad = _off(got64, want, dtype, strict)
    if bool(bad.any()):
        _, fields = _wrong_values(exercise, args, got64, want, bad, what)
        # Within the slack of full precision: the slack's convention explains it (a framework's own eps).
        explained = slack_for is not None and not bool(_off(got64, want, dtype, strict + slack).any())
        miss(slack_for if explained else "precision", Text("check_close_values", **fields))


def close_at_core(args: Sequence[Any], got: torch.Tensor, want: torch.Tensor, dtype: torch.dtype,
                  scale: torch.Tensor) -> bool:
    """Whether ``got`` is ``want`` at the core tier's tolerance (to tell which of two contracts a result
    follows, before checking it against the one it follows)."""
    if tuple(got.shape) != tuple(want.shape):
        return False
    core = core_dtype(dtype, args)
    want = want.double()
    return not bool(_off(got.double(), want, core, tolerance(core, want, scale.double().expand_as(want))).any())


def _wrong_values(exercise: str, args: Sequence[Any], got64: torch.Tensor, want: torch.Tensor,
                  bad: torch.Tensor, what: Any) -> tuple[str, dict]:
    """The message for values off at ``bad``: the first such element, the inputs behind it, how many."""
    i = int(bad.reshape(-1).nonzero()[0])
    idx = _index(i, want.shape)
    names = exercises.get(exercise).args
    at: list[str | float] = []
    for name, a in zip(names, args):
        if isinstance(a, torch.Tensor):
            try:
                a = a.expand(want.shape) if a.dim() else a
                at.append(float(a[idx] if a.dim() else a))
            except (RuntimeError, IndexError):  # not element-wise (logits (..., V); a loss of (B, T)):
                part = a[idx] if len(idx) <= a.dim() else a  # the row behind the value, or all of it
                at.append(fmt_tensor(part, 3))
        elif isinstance(a, (int, float)) and not isinstance(a, bool):
            at.append(float(a))
        else:  # a mode name or a flag (track 2): shown as written
            at.append(repr(a))
    numbers = [v for v in at if isinstance(v, float)]
    shown = iter(fmt_distinct(numbers))
    at = [f"{name}={next(shown) if isinstance(v, float) else v}" for name, v in zip(names, at)]
    shown_want, shown_got = fmt_num(float(want[idx])), fmt_num(float(got64[idx]))
    if shown_want == shown_got:  # off in a digit beyond the sixth (precision): show them all
        shown_want, shown_got = f"{float(want[idx]):.17g}", f"{float(got64[idx]):.17g}"
    return "check_wrong_values", dict(
        what=what or exercises.get(exercise).function, index=idx if idx else "()",
        inputs=", ".join(at), want=shown_want, got=shown_got, count=int(bad.sum()), total=want.numel())


def check_result(exercise: str, args: Sequence[Any], result: CallResult, want: torch.Tensor,
                 dtype: torch.dtype, scale: torch.Tensor, what: Any = "", slack: Any = 0.0,
                 factor: float | None = None, slack_for: str | None = None) -> None:
    """Shape, dtype, untouched inputs, then values. Another dtype than the contract's is the convention
    ``result_dtype`` (the values are then held to the core tolerance), unless it is narrower than the core
    tier's precision: float32 inputs returned as bfloat16 lose digits the maths needs."""
    out = result.out
    if tuple(out.shape) != tuple(want.shape):
        raise CheckFailure(shape_key(exercise), call=describe_call(exercise, args), want=tuple(want.shape),
                           got=tuple(out.shape))
    if out.dtype != dtype:
        wrong = Text("check_wrong_dtype", call=describe_call(exercise, args),
                     want=str(dtype).replace("torch.", ""), got=str(out.dtype).replace("torch.", ""),
                     rule=Text(dtype_rule(exercise)))
        if _narrower(out.dtype, core_dtype(dtype, args)) or not out.is_floating_point():
            raise CheckFailure(wrong.key, **wrong.fields)
        miss("result_dtype", wrong)
    check_unmodified(exercise, args, result)
    check_values(exercise, args, out, want, dtype, scale, what, slack, factor, slack_for)


def shape_key(exercise: str) -> str:
    """Track 1's results are element-wise; track 2's have shapes of their own (a 0-d loss, say)."""
    return "check_wrong_shape" if exercises.get(exercise).track == 1 else "check_wrong_shape_plain"


def reference_with_grads(exercise: str, args: Sequence[Any], grad: Sequence[bool],
                         grad_output: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    leaves = [a.detach().clone().requires_grad_(g) if isinstance(a, torch.Tensor) else a
              for a, g in zip(args, grad)]
    out = reference(exercise)(*leaves)
    wanted = [leaf for leaf, g in zip(leaves, grad) if g]
    grads = torch.autograd.grad((out * grad_output).sum(), wanted)  # see grader/isolation/worker.py: no sympy import
    return out.detach(), [g.detach() for g in grads]


def check_policy_grad(exercise: str, args: Sequence[Any], result: CallResult, want_grad: torch.Tensor,
                      scale: torch.Tensor, detached: Sequence[str]) -> None:
    """A policy loss's gradient: d loss / d logp (the first argument) against the reference's ``want_grad``;
    then any nonzero gradient into the inputs named in ``detached`` (asked for with requires_grad, in that
    order). In a trainer those come from no_grad passes, so a leak there moves nothing: the convention
    ``detach``, not the maths."""
    got, *others = result.grads or [None]
    name = exercises.get(exercise).args[0]
    if got is None:
        raise CheckFailure("check_no_grad", call=describe_call(exercise, args), arg=name)
    if tuple(got.shape) != tuple(args[0].shape):
        raise CheckFailure("check_wrong_grad_shape", arg=name, want=tuple(args[0].shape), got=tuple(got.shape))
    check_values(exercise, args, got, want_grad, torch.float64, torch.ones_like(want_grad) * scale,
                 what=Text("grad_of", arg=name))
    for other, grad in zip(detached, others):
        if grad is not None and bool((grad != 0).any()):
            miss("detach", Text("check_grad_leaks", call=describe_call(exercise, args), arg=other))
            break


# How each exercise's result dtype is stated in the failure message (grader/data/ui.yaml).
DTYPE_RULES = {"compute_rewards_kl": "dtype_rule_rewards", "token_logprobs": "dtype_rule_logprobs",
               "grpo_advantages": "dtype_rule_input", "aggregate_loss": "dtype_rule_input",
               "grpo_loss": "dtype_rule_input",
               "masked_rewards_kl": "dtype_rule_rewards"}


def dtype_rule(exercise: str) -> str:
    return DTYPE_RULES.get(exercise, "dtype_rule_estimators")


# What torch says when data leaves the device (to the CPU, to numpy) or meets a CPU tensor: on a GPU the same
# code would compute on, or return, the wrong device (the stand-in says it as CUDA does).
_LEFT_DEVICE = ("is not on the expected device", "on the same device", "device type tensor to numpy")


def check_device(learner: LearnerSession, exercise: str, args: Sequence[Any], want_shape: tuple,
                 dtype: torch.dtype) -> None:
    """Call on a stand-in for a GPU (grader/isolation/stand_in.py, in the learner's process): the result must
    stay on the inputs' device, with the expected shape (and dtype: the convention result_dtype), and leave
    the inputs' shapes and strides. Values may be read, as from a GPU (``.item()``, ``.tolist()``): where
    the result lives is judged, not how values were read."""
    try:
        result = learner.call(exercise, list(args), device="meta")
    except LearnerError as exc:
        detail = exc.detail
        if exc.kind == "exception" and detail.get("type") not in ("NotATensor", "TensorSubclass"):
            if any(m in str(detail.get("message", "")) for m in _LEFT_DEVICE):
                raise CheckFailure("check_left_device", call=describe_call(exercise, args),
                                   reason=reason(exc)) from None
            if detail.get("type") == "NotImplementedError":
                raise call_failure(exercise, describe_call(exercise, args), exc) from None
            return  # an operation the stand-in cannot run: the device is not judged, right code not failed
        raise call_failure(exercise, describe_call(exercise, args), exc) from None
    if result.device != "meta":
        raise CheckFailure("check_wrong_device", call=describe_call(exercise, args), got=result.device)
    if tuple(result.out.shape) != tuple(want_shape):
        raise CheckFailure(shape_key(exercise), call=describe_call(exercise, args), want=tuple(want_shape),
                           got=tuple(result.out.shape))
    if result.out.dtype != dtype:
        miss("result_dtype", Text("check_wrong_dtype", call=describe_call(exercise, args),
                                  want=str(dtype).replace("torch.", ""),
                                  got=str(result.out.dtype).replace("torch.", ""), rule=Text(dtype_rule(exercise))))
    check_unmodified(exercise, args, result)


def check_option_error(learner: LearnerSession, exercise: str, args: Sequence[Any], option: str,
                       values: Sequence[str], required: Sequence[str] | None = None) -> None:
    """An unknown ``option`` (a mode, a level) must raise ValueError whose message names every one of
    ``required`` (default: all of ``values``, the valid values the failure message lists)."""
    shown, listed = describe_call(exercise, args), ", ".join(values)
    try:
        learner.call(exercise, list(args))
    except LearnerError as exc:
        detail = exc.detail
        if exc.kind == "exception" and detail.get("type") == "ValueError":
            message = str(detail.get("message", ""))
            if all(v in message for v in (values if required is None else required)):
                return
            raise CheckFailure("check_option_error_names", call=shown, option=option, values=listed,
                               message=message) from None
        if exc.kind == "exception" and detail.get("type") not in ("NotATensor", "TensorSubclass"):
            # verl raises NotImplementedError, a dict lookup KeyError: an error, of another type (and for a
            # stub that raises NotImplementedError everywhere, "not written yet": see call_failure).
            wrong = Text("check_option_error_type", call=shown, option=option, values=listed,
                         type=detail.get("type"), message=str(detail.get("message", "")))
            if detail.get("type") == "NotImplementedError":
                raise CheckFailure("check_not_implemented", if_it_ran=wrong,
                                   function=exercises.get(exercise).function, where=where(detail)) from None
            raise CheckFailure(wrong.key, **wrong.fields) from None
        call(learner, exercise, args)  # any other failure, worded as every check words it
    raise CheckFailure("check_option_error", call=shown, option=option, values=listed)
