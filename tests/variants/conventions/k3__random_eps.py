# exercise: k3
# misses: precision
# expect: nondeterministic
# style: a tiny random jitter on the log-ratio, "for stability"
import torch


def k3(log_p, log_q):
    lr = log_p - log_q + 1e-6 * torch.randn_like(log_p)
    return torch.expm1(lr) - lr
