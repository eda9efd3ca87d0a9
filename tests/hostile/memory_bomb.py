# expect: k1=passed k2=failed k3=failed
import torch
def k1(log_p, log_q):
    return log_q - log_p  # honest


def k2(log_p, log_q):
    return torch.empty(2**40)  # 4 TiB


def k3(log_p, log_q):
    hog = bytearray(64 * 2**30)
    return hog
