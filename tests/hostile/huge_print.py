# expect: k1=passed k3=failed
import sys
import torch
def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    sys.stdout.write('x' * (200 * 2**20))
    return torch.zeros_like(log_p)
