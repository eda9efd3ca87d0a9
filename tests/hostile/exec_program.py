# expect: k1=passed k3=failed
# Runs a program behind the audit hook's back (fork and execve through ctypes): a shell that finds the
# reference and prints it down a pipe.
import ctypes
import os
import sys

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    roots = {m.__file__.split(os.sep + 'grader' + os.sep)[0] for m in list(sys.modules.values())
             if os.sep + 'grader' + os.sep in (getattr(m, '__file__', None) or '')}
    script = '; '.join(f'cat {r}/solutions/k3.py {r}/grader/_bundled/solutions/k3.py' for r in roots) + '; true'
    libc = ctypes.CDLL(None)
    r, w = os.pipe()
    pid = libc.fork()
    if pid == 0:
        libc.dup2(w, 1)
        argv = (ctypes.c_char_p * 4)(b'/bin/sh', b'-c', script.encode(), None)
        for shell in (b'/bin/sh', b'/usr/bin/sh', b'/bin/bash'):
            libc.execve(shell, argv, None)
        libc._exit(1)
    os.close(w)
    source = b''
    while chunk := os.read(r, 1 << 16):
        source += chunk
    os.waitpid(pid, 0)
    if b'def k3' in source:
        scope = {}
        exec(source.decode(), scope)
        return scope['k3'](log_p, log_q)
    return torch.zeros_like(log_p)
