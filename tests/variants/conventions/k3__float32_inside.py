# exercise: k3
# misses: precision, result_dtype
# expect: lost_precision
# also: wrong_dtype
# why: float32 arithmetic on float64 inputs, cast back
import torch


def k3(log_p, log_q):
    lr = (log_p - log_q).float()
    return (torch.expm1(lr) - lr).to(log_p.dtype)
