# exercise: k2
import torch


def k2(log_p, log_q):
    lr = log_p - log_q
    return torch.einsum("...,...->...", lr, lr) / 2
