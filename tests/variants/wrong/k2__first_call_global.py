# exercise: k2
# expect: stateful
# why: state across calls (a global set by the first call of a shape)
import torch

_first = None


def k2(log_p, log_q):
    # Remembers the first log-ratio of this shape and reuses it: state across calls.
    global _first
    lr = log_p - log_q
    if _first is None or _first.shape != lr.shape or _first.dtype != lr.dtype:
        _first = lr.detach()
        return lr * lr / 2
    return (_first * _first / 2).requires_grad_(lr.requires_grad) if not lr.requires_grad else lr * lr / 2
