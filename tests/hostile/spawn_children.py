# expect: k1=passed k3=failed k2=failed
# message: k3: starting processes is not allowed
import ctypes
import os
import subprocess

import torch
def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    subprocess.Popen(['sleep', '987654'])
    lr = log_p - log_q
    return torch.expm1(lr) - lr


def k2(log_p, log_q):
    libc = ctypes.CDLL(None)
    pid = libc.fork()
    if pid == 0:
        libc.setsid()
        if libc.fork() == 0:
            os.execv('/bin/sleep', ['sleep', '987655'])
        os._exit(0)
    return torch.zeros_like(log_p)
