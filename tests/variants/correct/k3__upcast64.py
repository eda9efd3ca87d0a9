# exercise: k3
import torch


def k3(log_p, log_q):
    lr = log_p - log_q
    wide = lr.double()
    return (torch.expm1(wide) - wide).to(lr.dtype)
