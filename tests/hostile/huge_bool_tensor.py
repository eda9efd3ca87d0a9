# expect: k1=passed k3=failed
# A 250-million-element result: refused by size before the judge converts anything.
import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    return torch.zeros(250_000_000, dtype=torch.bool)
