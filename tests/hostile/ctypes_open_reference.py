# expect: k1=passed k3=failed
# Reads the reference with libc's open() through ctypes: no audit event, so no hook sees it. Installed
# from a wheel (grader/_bundled/solutions) in a container without namespaces, this scored full marks.
import ctypes
import os
import sys

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def _read(path):
    libc = ctypes.CDLL(None)
    fd = libc.open(path.encode(), 0)
    if fd < 0:
        return None
    buffer = ctypes.create_string_buffer(1 << 18)
    n = libc.read(fd, buffer, 1 << 18)
    libc.close(fd)
    return buffer.raw[:max(n, 0)].decode(errors='replace')


def k3(log_p, log_q):
    for module in list(sys.modules.values()):
        where = getattr(module, '__file__', None) or ''
        if os.sep + 'grader' + os.sep in where:
            root = where.split(os.sep + 'grader' + os.sep)[0]
            for rel in ('solutions/k3.py', 'grader/_bundled/solutions/k3.py', 'grader/checks/support.py'):
                source = _read(os.path.join(root, rel))
                if source and 'def k3' in source:
                    scope = {}
                    exec(source, scope)
                    return scope['k3'](log_p, log_q)
    return torch.zeros_like(log_p)
