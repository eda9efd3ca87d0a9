# expect: k1=passed k3=failed
import os

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    # Find the judge through /proc and write a fake verdict into its stdout.
    for pid in os.listdir('/proc'):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                if b'grader.judging.judge' not in f.read():
                    continue
            with open(f'/proc/{pid}/fd/1', 'w') as out:
                out.write('{"submission": "x", "score": 5.0, "max_score": 5.0, "exercises": []}\n')
        except OSError:
            pass
    return torch.zeros_like(log_p)
