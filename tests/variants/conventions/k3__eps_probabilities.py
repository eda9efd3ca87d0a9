# exercise: k3
# misses: precision, extremes
# expect: log_epsilon
# also: lost_precision
# why: epsilons in a ratio of probabilities
import torch


def k3(log_p, log_q):
    eps = 1e-10
    r = (torch.exp(log_p) + eps) / (torch.exp(log_q) + eps)
    return r - 1 - torch.log(r)
