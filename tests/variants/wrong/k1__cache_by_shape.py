# exercise: k1
# expect: stateful
# why: state across calls (a cached input keyed by shape)
import torch

_seen = {}


def k1(log_p, log_q):
    # Keeps the first log_q of each shape: right on the first call, stale afterwards.
    key = tuple(log_q.shape), log_q.dtype
    if key not in _seen:
        _seen[key] = log_q.detach().clone()
    return _seen[key] - log_p
