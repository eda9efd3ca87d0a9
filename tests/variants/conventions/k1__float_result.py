# exercise: k1
# misses: precision, result_dtype
# expect: wrong_dtype
# why: .float() on float64 input
import torch


def k1(log_p, log_q):
    return (log_q - log_p).float()
