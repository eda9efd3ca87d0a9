"""What the track-3 checks share beyond support.py: results that are tuples of tensors, gradients checked
against the float64 reference, and the meta-device call for a tuple."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

import torch

from grader import exercises
from grader.checks.support import (CheckFailure, LearnerError, Text, call, check_device, check_result,
                                   check_values, describe_call, dtype_rule, miss)


def parts_of(result_out: Any) -> tuple:
    return result_out if isinstance(result_out, tuple) else (result_out,)


def what(exercise: str, part: str | None, again: bool = False) -> Any:
    function = exercises.get(exercise).function
    if again:
        return Text("called_again", function=function)
    return Text("part_of", function=function, part=part) if part else ""


def check_parts(exercise: str, args: Sequence[Any], result: Any, wants: Sequence[torch.Tensor],
                dtype: torch.dtype, scales: Sequence[torch.Tensor], parts: Sequence[str | None],
                again: bool = False) -> None:
    """Each returned tensor (one, or a tuple's items in order) against its float64 reference: shape,
    dtype, untouched inputs, values. The session has already refused a tuple of another length."""
    for part, out, want, scale in zip(parts, parts_of(result.out), wants, scales):
        check_result(exercise, args, replace(result, out=out), want, dtype, scale,
                     what(exercise, part, again) if (part or again) else "")


def check_grads(exercise: str, args: Sequence[Any], got: Sequence[Any] | None, names: Sequence[str],
                wants: Sequence[torch.Tensor], scale: torch.Tensor, dtype: torch.dtype = torch.float64) -> None:
    """The gradients the learner's process computed, one per flagged input, against the reference's."""
    got = list(got or [None] * len(names))
    for name, g, want in zip(names, got, wants):
        if g is None:
            raise CheckFailure("check_no_grad", call=describe_call(exercise, args), arg=name)
        if tuple(g.shape) != tuple(want.shape):
            raise CheckFailure("check_wrong_grad_shape", arg=name, want=tuple(want.shape), got=tuple(g.shape))
        check_values(exercise, args, g, want, dtype, scale.expand_as(want) if scale.dim() else scale,
                     what=Text("grad_of", arg=name))


def check_device_parts(learner: Any, exercise: str, args: Sequence[Any], shapes: Sequence[tuple],
                       dtype: torch.dtype) -> None:
    """check_device for a tuple result: every item on the inputs' device, with its shape and dtype."""
    if len(shapes) == 1:
        check_device(learner, exercise, args, shapes[0], dtype)
        return
    try:
        result = learner.call(exercise, list(args), device="meta")
    except LearnerError:
        # The single-tensor path words every failure (left the device, reads values, not written).
        check_device(learner, exercise, args, shapes[0], dtype)
        return
    if result.device != "meta":
        raise CheckFailure("check_wrong_device", call=describe_call(exercise, args), got=result.device)
    for out, shape in zip(result.out, shapes):
        if tuple(out.shape) != tuple(shape):
            raise CheckFailure("check_wrong_shape", call=describe_call(exercise, args), want=tuple(shape),
                               got=tuple(out.shape))
        if out.dtype != dtype:
            miss("result_dtype", Text("check_wrong_dtype", call=describe_call(exercise, args),
                                      want=str(dtype).replace("torch.", ""), got=str(out.dtype).replace("torch.", ""),
                                      rule=Text(dtype_rule(exercise))))
    if result.restrided and any(result.restrided):
        names = exercises.get(exercise).args
        arg = next(n for n, moved in zip(names, result.restrided) if moved)
        raise CheckFailure("check_input_modified", call=describe_call(exercise, args), arg=arg)


__all__ = ["call", "check_parts", "check_grads", "check_device_parts", "parts_of", "what"]
