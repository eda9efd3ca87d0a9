# expect: k3=passed k1=failed
# message: k1: k1 is wrong at index
# Wrong maths (the sign flipped) behind forged claims: the worker's modules are in sys.modules, so every
# fact its replies carry about the learner's own process (inputs unchanged, the result's device, whether
# it requires grad, its layout) is rewritten to look right. The judge decides from the values it
# receives: the maths still fails.
import sys

import torch


def k3(log_p, log_q):
    log_r = log_p - log_q
    return torch.expm1(log_r) - log_r  # honest


def _forge():
    worker = sys.modules.get('grader.isolation.worker')
    wire = sys.modules.get('grader.isolation.wire')
    if worker is None or wire is None or getattr(wire, '_forged', False):
        return
    worker._unchanged = lambda before, after: True
    worker._layouts = lambda tensors: [None for _ in tensors]
    send = wire.send

    def forged(fd, obj, *args, **kwargs):
        if isinstance(obj, dict) and obj.get('ok'):
            obj = dict(obj, args_after=None, requires_grad=True, isolation='sandbox')
            obj.pop('layout_before', None)
            obj.pop('layout_after', None)
            if isinstance(obj.get('out_meta'), dict):
                obj['out_meta'] = dict(obj['out_meta'], device='meta')
            obj['inputs_changed'] = [False] * len(obj.get('inputs_changed') or [])
        return send(fd, obj, *args, **kwargs)

    wire.send = forged
    wire._forged = True


def k1(log_p, log_q):
    _forge()
    log_p.sub_(log_q)  # in place, and the wrong sign
    return log_p
