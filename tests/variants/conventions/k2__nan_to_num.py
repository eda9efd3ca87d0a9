# exercise: k2
# misses: extremes
# expect: clamped
# why: nan_to_num turns a true inf (-inf log-probs) into the largest float
import torch


def k2(log_p, log_q):
    lr = log_p - log_q
    return torch.nan_to_num(lr * lr / 2)
