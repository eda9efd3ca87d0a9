"""A stand-in for a GPU, in the learner's process: tensors that say they live on another device (``meta``)
but hold their values on the CPU, for the device check.

A GPU tensor's values can be read (``.item()``, ``.tolist()``, ``if (x > 0).any()``), so code that reads them
is right on a GPU; what is wrong there is a result, or an operand, left on the CPU: ``.cpu()``, ``.numpy()``,
``torch.tensor(values)`` without ``device=``, ``torch.arange(T)`` beside a GPU tensor. The plain meta device
holds no values, so it cannot tell the two apart (it fails ``.tolist()`` and ``.item()`` alike). A stand-in
tensor does as a GPU tensor does: its values can be read, operations on it give stand-ins, factories asked for
its device give stand-ins, a CPU operand beside it is refused as CUDA refuses one, and ``.cpu()`` gives a
plain CPU tensor, which the check then sees.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_map

DEVICE = torch.device("meta")  # what a stand-in says it is on (no device guard or driver is needed for it)


class StandIn(torch.Tensor):
    """A tensor on the stand-in device, its values kept in ``data_``."""

    data_: torch.Tensor

    @staticmethod
    def __new__(cls, data: torch.Tensor) -> "StandIn":
        out = torch.Tensor._make_wrapper_subclass(cls, data.shape, dtype=data.dtype, device=DEVICE,
                                                 strides=data.stride(), storage_offset=data.storage_offset())
        out.data_ = data
        return out

    __torch_function__ = torch._C._disabled_torch_function_impl

    def __repr__(self) -> str:
        return f"tensor({self.data_.tolist()}, device='{DEVICE}', dtype={self.dtype})"

    def tolist(self) -> Any:  # reading values is allowed, as from a GPU (a synchronising copy)
        return self.data_.tolist()

    def numpy(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"can't convert {DEVICE} device type tensor to numpy. Use Tensor.cpu() to copy the "
                        "tensor to host memory first.")

    @classmethod
    def __torch_dispatch__(cls, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        on_cpu: list[torch.Tensor] = []
        indexing = func in _INDEXING

        def unwrap(x: Any) -> Any:
            if isinstance(x, StandIn):
                return x.data_
            if isinstance(x, torch.Tensor) and x.device == DEVICE:
                # Made in C++ with a stand-in's options (torch's own decompositions: one_hot's zeros): a
                # tensor of the right device without values. The check judges devices, shapes and dtypes.
                return torch.zeros(x.shape, dtype=x.dtype)
            if isinstance(x, torch.Tensor) and x.dim() > 0 and not (indexing and not x.is_floating_point()):
                on_cpu.append(x)  # a 0-d CPU tensor may meet a GPU one, and CPU indices index it; no other
            return x

        args, kwargs = tree_map(unwrap, args), tree_map(unwrap, kwargs or {})
        if on_cpu:
            raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                               f"{DEVICE} and cpu!")
        leaves = "device" in kwargs and kwargs["device"] is not None and torch.device(kwargs["device"]).type == "cpu"
        if "device" in kwargs and kwargs["device"] is not None:
            kwargs["device"] = torch.device("cpu")
        out = func(*args, **kwargs)
        return out if leaves else tree_map(_wrap, out)


# CUDA accepts index tensors on the CPU for these.
_INDEXING = {torch.ops.aten.index.Tensor, torch.ops.aten.index_put.default, torch.ops.aten.index_put_.default,
             torch.ops.aten._index_put_impl_.default}


def _wrap(x: Any) -> Any:
    return StandIn(x) if type(x) is torch.Tensor else x


class _Factories(TorchFunctionMode):
    """Factories asked for the stand-in device (``torch.zeros(n, device=x.device)``) make stand-ins."""

    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        device = kwargs.get("device")
        if device is not None and torch.device(device) == DEVICE:
            return tree_map(_wrap, func(*args, **{**kwargs, "device": "cpu"}))
        return func(*args, **kwargs)


def call(fn: Callable[..., Any], args: list) -> tuple[Any, list[bool]]:
    """``fn`` called on stand-ins of ``args``' tensors: its result, and which inputs it changed in place
    (shape, strides or dtype)."""
    given = [StandIn(a.detach().clone()) if isinstance(a, torch.Tensor) else a for a in args]
    before = [layout(a) for a in given]
    with _Factories():
        out = fn(*given)
    return out, [b != layout(a) for b, a in zip(before, given)]


def layout(x: Any) -> Any:
    """Shape, strides, offset and dtype of a tensor (of a stand-in's values), to see an in-place change."""
    if isinstance(x, StandIn):
        x = x.data_
    if not isinstance(x, torch.Tensor):
        return None
    return tuple(x.shape), x.stride(), x.storage_offset(), x.dtype
