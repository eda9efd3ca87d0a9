"""The judge's decoder of learner replies only ever returns a value or raises its one error.

Frames are generated at random and by mutating well-formed ones (hypothesis, derandomized: the same
examples every run), then decoded from bytes and read from a real pipe as the judge reads them.
"""

from __future__ import annotations

import json
import os
import threading

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.isolation import wire

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=300,
                suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30)
specs = st.one_of(json_values, st.fixed_dictionaries(
    {"dtype": st.sampled_from([*wire.DTYPES, "object", "complex64", 3]),
     "shape": st.one_of(json_values, st.lists(st.integers(-3, 2**40), max_size=20))}))
headers = st.fixed_dictionaries({"tree": json_values, "tensors": st.one_of(json_values, st.lists(specs, max_size=4)),
                                 "sizes": st.one_of(json_values, st.lists(st.integers(-5, 2**40), max_size=4))})


def _only_values_or_wire_errors(header: bytes, blob: bytes) -> None:
    try:
        wire.decode(header, blob)
    except wire.WireError:
        pass


@FUZZ
@given(st.binary(max_size=2000), st.binary(max_size=200))
def test_random_bytes(header: bytes, blob: bytes) -> None:
    _only_values_or_wire_errors(header, blob)


@FUZZ
@given(headers, st.binary(max_size=300))
def test_random_headers(header: dict, blob: bytes) -> None:
    _only_values_or_wire_errors(json.dumps(header).encode(), blob)


@FUZZ
@given(json_values, st.lists(specs, min_size=1, max_size=4), st.binary(max_size=64))
def test_random_tensor_specs_with_consistent_sizes(tree: object, tensor_specs: list, blob: bytes) -> None:
    sizes = [len(blob)] + [0] * (len(tensor_specs) - 1)
    header = {"tree": tree, "tensors": tensor_specs, "sizes": sizes}
    _only_values_or_wire_errors(json.dumps(header).encode(), blob)


def _frame() -> bytes:
    return wire.encode({"id": 3, "ok": True, "out": torch.arange(6.0).reshape(2, 3),
                        "grads": [torch.ones(2, dtype=torch.float64), None],
                        "args_after": [torch.zeros(3, dtype=torch.bfloat16), 0.5, True]})


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
       st.integers(0, 10_000), st.booleans())
def test_mutated_frames_read_from_a_pipe(flips: list, cut: int, truncate: bool) -> None:
    data = bytearray(_frame())
    for where, value in flips:
        data[where % len(data)] = value
    if truncate:
        data = data[:cut % len(data)]
    r, w = os.pipe()

    def feed() -> None:
        try:
            os.write(w, bytes(data))
        except OSError:
            pass
        finally:
            os.close(w)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        wire.receive(r, timeout=5.0, max_size=1 << 20)
    except wire.WireError:
        pass
    finally:
        writer.join()
        os.close(r)


def test_a_well_formed_frame_still_decodes() -> None:
    r, w = os.pipe()
    os.write(w, _frame())
    os.close(w)
    tree, _ = wire.receive(r, timeout=5.0)
    os.close(r)
    assert tree["out"].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert tree["grads"][1] is None and tree["args_after"][1:] == [0.5, True]


@pytest.mark.parametrize("header", [
    b'{"tree": 1, "tensors": [7], "sizes": [8]}',  # a tensor spec that is a number
    b"[" + b"{}," * 400_000 + b"{}]",  # a header over the cap
    b'{"tree": {"__tensor__": true}, "tensors": [{"dtype": "bool", "shape": [1]}], "sizes": [1]}',
    b'{"tree": 1, "tensors": [{"dtype": "float32", "shape": [1e9]}], "sizes": [4]}',
])
def test_known_bad_headers_are_refused(header: bytes) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(header, b"\0" * 8 if b"[7]" in header else b"\0")
