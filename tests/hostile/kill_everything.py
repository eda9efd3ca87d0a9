# expect: k1=passed k3=failed
# SIGKILL every process it may signal (its neighbours in a batch, the zygote, the judge), then exit.
import os
import signal

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    for pid in os.listdir('/proc'):
        if pid.isdigit() and int(pid) not in (os.getpid(), 1):
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
    return torch.zeros_like(log_p)
