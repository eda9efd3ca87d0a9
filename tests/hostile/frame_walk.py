# expect: k1=passed k3=failed
import gc
import inspect
import sys

import torch
def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    # Hunt for the expected values: they are not in this process.
    for frame in inspect.stack():
        for value in frame.frame.f_locals.values():
            if isinstance(value, torch.Tensor) and value.shape == log_p.shape and value is not log_p \
                    and value is not log_q:
                return value.clone()
    for obj in gc.get_objects():
        if isinstance(obj, torch.Tensor) and obj.shape == log_p.shape and obj is not log_p and obj is not log_q:
            return obj.clone()
    for module in list(sys.modules.values()):
        ref = getattr(module, 'reference', None)
        if callable(ref):
            return ref('k3')(log_p, log_q)
    return torch.zeros_like(log_p)
