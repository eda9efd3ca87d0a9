# exercise: k1
# expect: numpy_round_trip
# why: a numpy round trip (no gradient, no bfloat16, CPU only)
import torch


def k1(log_p, log_q):
    import numpy as np
    return torch.from_numpy(np.subtract(log_q.detach().numpy(), log_p.detach().numpy()))
