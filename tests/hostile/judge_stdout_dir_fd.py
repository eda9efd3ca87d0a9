# expect: k1=passed k3=failed
# Open the judge's stdout through a /proc directory fd (a relative open the audit hook cannot judge).
import os

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    for pid in os.listdir('/proc'):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            d = os.open(f'/proc/{pid}', os.O_RDONLY)
            cmd = os.read(os.open('cmdline', os.O_RDONLY, dir_fd=d), 4096)
            if b'grader' not in cmd:
                continue
            fd = os.open('fd/1', os.O_WRONLY, dir_fd=d)
            os.write(fd, b'{"submission": "x", "score": 5.0, "max_score": 5.0, "exercises": []}\n')
        except OSError:
            pass
    return torch.zeros_like(log_p)
