# exercise: k3
# expect: detached
# near: device
# why: values read into Python and a new tensor built from them: on the CPU, and cut from the graph
import torch


def k3(log_p, log_q):
    lr = log_p - log_q
    values = (torch.expm1(lr) - lr).tolist()
    return torch.tensor(values, dtype=lr.dtype)
