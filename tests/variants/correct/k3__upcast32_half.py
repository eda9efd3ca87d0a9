# exercise: k3
import torch


def k3(log_p, log_q):
    lr = log_p - log_q
    work = lr.float() if lr.dtype in (torch.float16, torch.bfloat16) else lr
    return (work.exp() - 1 - work).to(lr.dtype)
