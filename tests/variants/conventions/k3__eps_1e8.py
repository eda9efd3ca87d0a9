# exercise: k3
# misses: precision, extremes
# expect: log_epsilon
# also: lost_precision
# why: an epsilon inside the log
import torch


def k3(log_p, log_q):
    lr = log_p - log_q
    r = torch.exp(lr)
    return r - 1 - torch.log(r + 1e-8)
