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


# ---- tuple results (gae, dpo_loss): what the session accepts from a decoded reply ------------------------
from grader.isolation.session import MAX_RESULTS, LearnerError, _meta_result, _validated_call  # noqa: E402

small_tensors = st.builds(lambda n, dt, d: torch.zeros([n] * d, dtype=dt), st.integers(0, 3),
                          st.sampled_from(list(wire.DTYPES.values())), st.integers(0, 10))
reply_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats() | st.text(max_size=5) | small_tensors,
    lambda inner: st.lists(inner, max_size=MAX_RESULTS + 2), max_leaves=12)
ARGS = [torch.zeros(3), 0.5]


def _check_result(count: int, result) -> None:
    if count == 1:
        assert type(result.out) is torch.Tensor and type(result.requires_grad) is bool
    else:
        assert isinstance(result.out, tuple) and len(result.out) == count
        assert all(type(o) is torch.Tensor and o.dim() <= 8 for o in result.out)
        assert isinstance(result.requires_grad, tuple) and len(result.requires_grad) == count
        assert all(type(f) is bool for f in result.requires_grad)


@FUZZ
@given(st.integers(1, 4), reply_values, reply_values, reply_values)
def test_tuple_replies_are_exactly_what_was_asked_or_garbled(count: int, out, flags, grads) -> None:
    reply = {"ok": True, "out": out, "requires_grad": flags, "args_after": None, "grads": grads}
    for grad in (None, [True, False]):
        try:
            result = _validated_call(reply, ARGS, grad, count)
        except LearnerError as exc:
            assert exc.kind == "garbled"
            continue
        _check_result(count, result)
        if grad is not None:
            assert isinstance(result.grads, list) and len(result.grads) == 1
            assert result.grads[0] is None or result.grads[0].numel() <= 3


meta_items = st.one_of(reply_values, st.fixed_dictionaries({
    "shape": st.one_of(reply_values, st.lists(st.integers(-2, 2**62), max_size=18)),
    "dtype": st.sampled_from([*wire.DTYPES, "object", 3]),
    "device": st.sampled_from(["meta", "cpu", "cuda:0", "", "x" * 40, "m\u00e9ta", 7])}))


@FUZZ
@given(st.integers(1, 4), st.one_of(meta_items, st.lists(meta_items, max_size=MAX_RESULTS + 2)),
       st.one_of(reply_values, st.lists(st.booleans(), min_size=2, max_size=2)))
def test_tuple_meta_replies_are_exactly_what_was_asked_or_garbled(count: int, info, changed) -> None:
    try:
        result = _meta_result({"ok": True, "out_meta": info, "inputs_changed": changed}, ARGS, count)
    except LearnerError as exc:
        assert exc.kind == "garbled"
        return
    outs = result.out if count > 1 else (result.out,)
    assert len(outs) == count and all(o.device.type == "meta" for o in outs)
    assert isinstance(result.device, str) and 0 < len(result.device) <= 32


def _tuple_frame() -> bytes:
    return wire.encode({"id": 3, "ok": True, "out": [torch.arange(6.0).reshape(2, 3), torch.ones(2, 3)],
                        "requires_grad": [True, False], "args_after": None, "grads": None})


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8), st.integers(1, 3))
def test_mutated_tuple_frames_decode_and_validate_or_fail_cleanly(flips: list, count: int) -> None:
    data = bytearray(_tuple_frame())
    for where, value in flips:
        data[where % len(data)] = value
    header_len, _ = wire._HEADER.unpack(bytes(data[:wire._HEADER.size]))
    try:
        reply, _ = wire.decode(bytes(data[wire._HEADER.size:wire._HEADER.size + header_len]),
                               bytes(data[wire._HEADER.size + header_len:]))
    except wire.WireError:
        return
    if not isinstance(reply, dict):
        return
    try:
        result = _validated_call(reply, ARGS, None, count)
    except LearnerError as exc:
        assert exc.kind == "garbled"
        return
    _check_result(count, result)


def test_a_well_formed_tuple_reply_is_accepted_only_for_its_count() -> None:
    header_len, _ = wire._HEADER.unpack(_tuple_frame()[:wire._HEADER.size])
    frame = _tuple_frame()
    reply, _ = wire.decode(frame[wire._HEADER.size:wire._HEADER.size + header_len],
                           frame[wire._HEADER.size + header_len:])
    result = _validated_call(reply, ARGS, None, 2)
    assert [o.tolist() for o in result.out] == [[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [[1.0] * 3] * 2]
    assert result.requires_grad == (True, False)
    for count in (1, 3):
        with pytest.raises(LearnerError):
            _validated_call(reply, ARGS, None, count)


# ---- class exercises (AdaptiveKLController): a drive's reply is n + 1 floats, or an error ----------------
from grader.isolation.session import _validated_drive  # noqa: E402


@FUZZ
@given(st.integers(0, 5), st.one_of(st.none(), st.booleans(), st.text(max_size=3)), reply_values,
       st.one_of(reply_values, st.lists(st.floats(), max_size=7)), reply_values)
def test_drive_replies_are_exactly_n_plus_one_floats_or_an_error(n: int, ok, error, values, done) -> None:
    for flag in (ok, True, False):
        reply = {"ok": flag, "values": values, "error": error, "done": done}
        try:
            got = _validated_drive(reply, n)
        except LearnerError as exc:
            assert exc.kind in ("garbled", "exception")
            if exc.kind == "exception":
                assert flag is False and type(exc.detail["done"]) is int and 0 <= exc.detail["done"] <= n + 1
                assert all(isinstance(exc.detail[k], str) for k in ("type", "message", "where"))
            continue
        assert flag is True and isinstance(got, list) and len(got) == n + 1 and all(type(v) is float for v in got)
