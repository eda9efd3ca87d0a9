# exercise: k3
# expect: double_exp
# why: the seed's r.exp() - r - 1, written without log r
import torch


def k3(log_p, log_q):
    r = torch.exp(log_p - log_q)
    return r.exp() - r - 1
