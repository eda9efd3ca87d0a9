# exercise: k1
# misses: extremes
# expect: overflow_round_trip
# why: round trip -log(exp(x)): inf past |log r| = 88 in float32
import torch


def k1(log_p, log_q):
    return -torch.log(torch.exp(log_p - log_q))
