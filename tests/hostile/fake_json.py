# expect: k1=passed k3=failed
import os
import sys

import torch

FAKE = "{\"submission\": \"x\", \"score\": 5.0, \"max_score\": 5.0, \"exercises\": []}\n"
print(FAKE)
os.write(1, FAKE.encode())
os.write(2, FAKE.encode())
sys.stdout.flush()


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    os.write(1, FAKE.encode())
    return torch.zeros_like(log_p)
