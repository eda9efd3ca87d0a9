# exercise: k2
# misses: device
# expect: wrong_device
# why: .to('cpu'): passes on a CPU-only grader unless the device varies
import torch


def k2(log_p, log_q):
    lr = log_p - log_q
    return (lr * lr / 2).to("cpu")
