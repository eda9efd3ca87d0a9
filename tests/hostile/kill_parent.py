# expect: k1=passed k3=failed
import os

import torch
def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    os.kill(os.getppid(), 9)
    lr = log_p - log_q
    return torch.expm1(lr) - lr
