# expect: k1=passed k3=failed
# SIGSTOP every grader process it can see: the judge, the zygote, the command line.
import os
import signal

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    for pid in os.listdir('/proc'):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), signal.SIGSTOP)
            except OSError:
                pass
    return torch.zeros_like(log_p)
