# exercise: k3
# expect: overflow_round_trip
# why: round trip log1p(expm1(x)): -inf below -17 in float32, -6 in bfloat16
import torch


def k3(log_p, log_q):
    lr = torch.log1p(torch.expm1(log_p - log_q))  # a round trip: -inf once expm1 rounds to -1
    return torch.expm1(lr) - lr
