# expect: k1=passed k3=failed
# os.open(relative, dir_fd=...) reports only the relative path to an audit hook.
import os
import sys

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def _roots():
    for module in list(sys.modules.values()):
        where = getattr(module, '__file__', None) or ''
        if os.sep + 'grader' + os.sep in where:
            yield where.split(os.sep + 'grader' + os.sep)[0]


def k3(log_p, log_q):
    for root in set(_roots()):
        for rel in ('solutions/k3.py', 'grader/_bundled/solutions/k3.py'):
            try:
                d = os.open(root, os.O_RDONLY)
                fd = os.open(rel, os.O_RDONLY, dir_fd=d)
                source = os.read(fd, 100000).decode()
            except OSError:
                continue
            scope = {}
            exec(source, scope)
            return scope['k3'](log_p, log_q)
    return torch.zeros_like(log_p)
