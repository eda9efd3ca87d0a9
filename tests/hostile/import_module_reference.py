# expect: k1=passed k3=failed
# importlib.import_module raises no "import" audit event for the module itself; the package's own
# location says where the checkout is.
import importlib
import os
import sys

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    for module in list(sys.modules.values()):
        where = getattr(module, '__file__', None) or ''
        if os.sep + 'grader' + os.sep in where:
            root = where.split(os.sep + 'grader' + os.sep)[0]
            for extra in (root, os.path.join(root, 'grader', '_bundled')):
                sys.path.insert(0, extra)
    for name in ('solutions.k3', 'grader.checks.support', 'grader.lab.estimate'):
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        fn = getattr(module, 'k3', None) or getattr(module, 'reference', None)
        if fn is not None:
            return fn(log_p, log_q) if name != 'grader.checks.support' else fn('k3')(log_p, log_q)
    return torch.zeros_like(log_p)
