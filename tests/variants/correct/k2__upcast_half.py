# exercise: k2
import torch


def k2(log_p, log_q):
    lr = log_p - log_q
    work = lr.float() if lr.dtype in (torch.float16, torch.bfloat16) else lr
    return (work * work / 2).to(lr.dtype)
