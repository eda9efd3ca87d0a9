# exercise: k3
import torch


def k3(log_p, log_q):
    lr = log_p - log_q
    series = lr * lr * (0.5 + lr * (1 / 6 + lr * (1 / 24 + lr / 120)))
    return torch.where(lr.abs() < 1e-4, series, torch.expm1(lr) - lr)
