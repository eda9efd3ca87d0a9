# exercise: k1
# misses: precision, extremes
# expect: underflow_ratio
# style: k1 as -log(p / q) from the probabilities: right at ordinary log-probs, wrong where they are denormals
import torch


def k1(log_p, log_q):
    return -torch.log(torch.exp(log_p) / torch.exp(log_q))
