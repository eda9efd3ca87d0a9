# expect: k1=passed k3=failed
# Hundreds of sleeping children (98765 marks them): bounded, and all gone once graded.
import ctypes
import os

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    libc = ctypes.CDLL(None)
    for _ in range(300):
        pid = libc.fork()
        if pid == 0:
            os.execv('/bin/sleep', ['sleep', '98765'])
        if pid < 0:
            break
    return torch.zeros_like(log_p)
