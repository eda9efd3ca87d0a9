# expect: k1=passed k3=failed
# Copies a classmate's k3 while both are graded (--jobs 2): their copies in the shared temporary folder,
# through /proc (another process's working folder or root), or under /submission of another sandbox.
import glob
import os
import tempfile

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def _candidates():
    for top in {tempfile.gettempdir(), '/tmp', '/var/tmp'}:
        yield from glob.glob(os.path.join(top, 'kldrill-*', 'submission', '**', '*.py'), recursive=True)
        yield from glob.glob(os.path.join(top, 'kldrill-*', '**', '*.py'), recursive=True)
    for pid in os.listdir('/proc'):
        if pid.isdigit() and int(pid) != os.getpid():
            for link in ('cwd', 'root'):
                base = f'/proc/{pid}/{link}'
                yield from glob.glob(os.path.join(base, '*.py'))
                yield from glob.glob(os.path.join(base, 'submission', '**', '*.py'), recursive=True)
                yield from glob.glob(os.path.join(base, '..', 'submission', '**', '*.py'), recursive=True)


def k3(log_p, log_q):
    mine = os.path.realpath(__file__)
    for path in _candidates():
        try:
            if os.path.realpath(path) == mine:
                continue
            source = open(path).read()
            if 'def k3' not in source or 'read_classmates' in source:
                continue
            scope = {}
            exec(source, scope)
            return scope['k3'](log_p, log_q)
        except Exception:
            continue
    return torch.zeros_like(log_p)
