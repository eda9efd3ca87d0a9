# expect: k1=passed k3=failed
# A chain of forks in new sessions that clear their parent-death signal and run on (98765 marks them
# for the stray-process check), then kill the process that started them.
import ctypes
import os

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    libc = ctypes.CDLL(None)
    for _ in range(3):
        if libc.fork() == 0:
            libc.setsid()
            libc.prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG 0
            if libc.fork() == 0:
                libc.prctl(1, 0, 0, 0, 0)
                os.execv('/bin/sleep', ['sleep', '98765'])
            os._exit(0)
    os.kill(os.getppid(), 9)
    return torch.zeros_like(log_p)
