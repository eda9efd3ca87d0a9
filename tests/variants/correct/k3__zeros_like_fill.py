# exercise: k3
import torch


def k3(log_p, log_q):
    out = torch.zeros_like(log_p - log_q)
    lr = log_p - log_q
    out = out + torch.expm1(lr) - lr
    return out
