# exercise: k3
# misses: extremes
# expect: clamped
# why: nan_to_num turns a true inf into the largest float
import torch


def k3(log_p, log_q):
    lr = log_p - log_q
    return torch.nan_to_num(torch.expm1(lr) - lr)
