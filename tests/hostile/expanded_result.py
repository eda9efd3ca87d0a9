# expect: k1=passed k3=failed
# A result that is tiny in memory but huge once made contiguous (an expand with zero strides).
import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    return torch.zeros(1).expand(2_000_000_000)
