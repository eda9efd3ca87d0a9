# exercise: k3
# expect: input_mutated
# why: an input re-strided in place (same values, new strides)
import torch


def k3(log_p, log_q):
    if log_p.dim() == 2 and not log_p.requires_grad:
        log_p.set_(log_p.t().contiguous().t())  # the same values, column-major strides
    lr = log_p - log_q
    return torch.expm1(lr) - lr
