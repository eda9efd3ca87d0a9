# expect: k1=passed k3=failed
# A helper left running that SIGSTOPs every zygote it sees, so each restart hangs (the budget must
# bound the wall time anyway), then the learner process kills itself to force a restart.
import ctypes
import os
import signal
import time

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    if ctypes.CDLL(None).fork() == 0:
        os.setsid()
        end = time.monotonic() + 30
        while time.monotonic() < end:
            for pid in os.listdir('/proc'):
                try:
                    if pid.isdigit() and b'zygote' in open(f'/proc/{pid}/cmdline', 'rb').read():
                        os.kill(int(pid), signal.SIGSTOP)
                except OSError:
                    pass
            time.sleep(0.05)
        os._exit(0)
    time.sleep(0.3)
    os.kill(os.getpid(), 9)
