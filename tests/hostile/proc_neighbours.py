# expect: k1=passed k3=failed
# Reaches other processes' files through /proc: /proc/<pid>/root and /cwd of the judge, the command line
# or a classmate's learner process lead to their file systems (the reference, a classmate's copy),
# /proc/<pid>/fd to their open files.
import os
import sys

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def _paths():
    roots = set()
    for module in list(sys.modules.values()):
        where = getattr(module, '__file__', None) or ''
        if os.sep + 'grader' + os.sep in where:
            roots.add(where.split(os.sep + 'grader' + os.sep)[0])
    for pid in os.listdir('/proc'):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        for root in roots:
            for rel in ('solutions/k3.py', 'grader/_bundled/solutions/k3.py'):
                yield f'/proc/{pid}/root{root}/{rel}'
        for link in ('cwd', 'root'):
            yield f'/proc/{pid}/{link}/k3.py'
        try:
            for fd in os.listdir(f'/proc/{pid}/fd'):
                yield f'/proc/{pid}/fd/{fd}'
        except OSError:
            pass


def k3(log_p, log_q):
    for path in _paths():
        try:
            with open(path) as f:
                source = f.read(1 << 18)
            if 'def k3' in source and 'proc_neighbours' not in source:
                scope = {}
                exec(source, scope)
                return scope['k3'](log_p, log_q)
        except Exception:
            continue
    return torch.zeros_like(log_p)
