# expect: k1=passed k3=failed
# SIGKILL every process group and session it can find, and its own (kill(0)).
import os
import signal

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    groups = set()
    for pid in os.listdir('/proc'):
        if pid.isdigit():
            try:
                fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
                groups.update({int(fields[2]), int(fields[3])})  # pgrp, session
            except (OSError, IndexError, ValueError):
                pass
    for group in groups - {0, 1, os.getpgrp()}:
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
    os.kill(0, signal.SIGKILL)
