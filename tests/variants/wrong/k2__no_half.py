# exercise: k2
# expect: missing_half
# why: the squared log-ratio without the 1/2: twice the estimate, and no longer KL's second-order match
import torch


def k2(log_p, log_q):
    return torch.square(log_p - log_q)
