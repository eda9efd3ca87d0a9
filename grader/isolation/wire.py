"""The message format between the judge and the learner's process.

A message is a JSON document plus the raw bytes of the tensors it carries. Decoding builds plain
``torch.Tensor`` objects from an allowlist of dtypes and nothing else, so nothing of the learner's
choosing (no pickle, no tensor subclass, no object with a custom ``__eq__``) ever reaches the judge.
Both sides use this module; only the judge's decoding needs to be trustworthy.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

import torch

DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int64": torch.int64,
    "int32": torch.int32,
    "bool": torch.bool,
}
_NAMES = {v: k for k, v in DTYPES.items()}
_HEADER = struct.Struct(">QQ")  # JSON length, blob length
MAX_MESSAGE = 256 * 1024 * 1024  # far above any honest reply (the lab's million samples: 8 MB)
MAX_HEADER = 1 << 20  # the JSON part: a reply's tree and tensor specs, never near this
MAX_DIMS = 16


class WireError(Exception):
    """The other side sent something that is not a well-formed message."""


class Closed(WireError):
    """The other side closed the channel (its process ended)."""


class Timeout(WireError):
    pass


def _pack(obj: Any, blobs: list[memoryview], specs: list[dict]) -> Any:
    if isinstance(obj, torch.Tensor):
        t = obj.detach()
        if t.dtype not in _NAMES:
            raise TypeError(f"unsupported dtype {t.dtype}")
        flat = t.cpu().contiguous().reshape(-1)
        # A view of the tensor's memory, not a copy: the statistics checks' tensors are megabytes.
        raw = memoryview(flat.view(torch.uint8).numpy()) if flat.numel() else memoryview(b"")
        specs.append({"dtype": _NAMES[t.dtype], "shape": list(t.shape), "device": str(t.device),
                      "requires_grad": bool(obj.requires_grad)})
        blobs.append(raw)
        return {"__tensor__": len(specs) - 1}
    if isinstance(obj, dict):
        return {str(k): _pack(v, blobs, specs) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_pack(v, blobs, specs) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"cannot send {type(obj).__name__}")


def _parts(obj: Any) -> list[memoryview | bytes]:
    """The message as buffers to write one after the other: the lengths, the JSON, the tensors' bytes."""
    blobs: list[memoryview] = []
    specs: list[dict] = []
    tree = _pack(obj, blobs, specs)
    header = json.dumps({"tree": tree, "tensors": specs, "sizes": [b.nbytes for b in blobs]},
                        allow_nan=True).encode()
    return [_HEADER.pack(len(header), sum(b.nbytes for b in blobs)), header, *blobs]


def encode(obj: Any) -> bytes:
    return b"".join(_parts(obj))


def _unpack(obj: Any, tensors: list[torch.Tensor]) -> Any:
    if isinstance(obj, dict):
        if set(obj) == {"__tensor__"}:
            index = obj["__tensor__"]
            if type(index) is not int or not 0 <= index < len(tensors):
                raise WireError("bad tensor reference")
            return tensors[index]
        return {k: _unpack(v, tensors) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_unpack(v, tensors) for v in obj]
    return obj


def _tensor(spec: Any, raw: memoryview) -> torch.Tensor:
    """A plain tensor of the declared dtype and shape over ``raw``, checked before anything is built."""
    if not isinstance(spec, dict):
        raise WireError("bad tensor header")
    dtype = DTYPES.get(spec.get("dtype")) if isinstance(spec.get("dtype"), str) else None
    shape = spec.get("shape")
    if dtype is None or not isinstance(shape, list) or len(shape) > MAX_DIMS \
            or not all(type(s) is int and s >= 0 for s in shape):
        raise WireError("bad tensor header")
    numel = 1
    for s in shape:
        numel *= s
    itemsize = torch.empty((), dtype=dtype).element_size()
    if len(raw) != numel * itemsize:
        raise WireError("tensor size does not match its shape")
    if numel == 0:
        return torch.empty(shape, dtype=dtype)
    flat = torch.frombuffer(raw, dtype=torch.uint8)  # the received bytes themselves, not a copy
    try:
        return flat.view(dtype).reshape(shape)
    except RuntimeError:  # bytes not aligned for the dtype (after an odd-sized tensor): copy them
        return flat.clone().view(dtype).reshape(shape)


def decode(header: bytes, blob: bytes | bytearray) -> tuple[Any, list[dict]]:
    """The message's tree with plain tensors in place, and the tensors' declared metadata."""
    if len(header) > MAX_HEADER:
        raise WireError("message header too large")
    try:
        doc = json.loads(header)
        if not isinstance(doc, dict):
            raise WireError("bad message header")
        specs, sizes = doc["tensors"], doc["sizes"]
        if not isinstance(specs, list) or not isinstance(sizes, list) or len(specs) != len(sizes):
            raise WireError("bad message header")
        if any(type(s) is not int or s < 0 for s in sizes) or sum(sizes) != len(blob):
            raise WireError("blob sizes do not add up")
        # The tensors are views of one writable buffer that only they hold on to.
        tensors, offset, view = [], 0, memoryview(blob if isinstance(blob, bytearray) else bytearray(blob))
        for spec, size in zip(specs, sizes):
            tensors.append(_tensor(spec, view[offset:offset + size]))
            offset += size
        return _unpack(doc["tree"], tensors), specs
    except WireError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError, MemoryError,
            RuntimeError) as exc:  # RuntimeError: torch refusing a shape (stride overflow)
        raise WireError(f"unreadable message ({type(exc).__name__})") from None


def send(fd: int, obj: Any, timeout: float | None = None) -> int:
    """Write ``obj`` as one message; the number of bytes written.

    With ``timeout`` (the judge's side: ``fd`` must then be non-blocking), Timeout once that many seconds
    pass before the whole message is written: a reader that stops reading (learner code can make its
    process do so) must never stall the writer."""
    deadline = None if timeout is None else time.monotonic() + timeout
    total = 0
    for part in _parts(obj):
        data = memoryview(part).cast("B")
        total += len(data)
        while data:
            try:
                written = os.write(fd, data)
            except BlockingIOError:
                written = 0
            data = data[written:]
            if data and deadline is not None:
                left = deadline - time.monotonic()
                if not select.select([], [fd], [], max(0.0, left))[1]:
                    raise Timeout()
    return total


def _read_exact(fd: int, n: int, deadline: float | None) -> bytearray:
    buffer = bytearray(n)
    view, got = memoryview(buffer), 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if not select.select([fd], [], [], max(0.0, left))[0]:
                raise Timeout()
        count = os.readv(fd, [view[got:]])  # straight into the buffer: no chunks to join
        if not count:
            raise Closed()
        got += count
    return buffer


def receive(fd: int, timeout: float | None = None, max_size: int = MAX_MESSAGE) -> tuple[Any, list[dict]]:
    deadline = None if timeout is None else time.monotonic() + timeout
    header_len, blob_len = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    if header_len > MAX_HEADER:
        raise WireError(f"message header of {header_len} bytes is over the {MAX_HEADER}-byte limit")
    if header_len + blob_len > max_size:
        raise WireError(f"message of {header_len + blob_len} bytes is over the {max_size}-byte limit")
    header = _read_exact(fd, header_len, deadline)
    blob = _read_exact(fd, blob_len, deadline)
    return decode(header, blob)
