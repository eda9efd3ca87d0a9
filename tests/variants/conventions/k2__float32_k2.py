# exercise: k2
# misses: precision
# expect: lost_precision
# why: float32 arithmetic on float64 inputs, cast back
import torch


def k2(log_p, log_q):
    lr = log_p.float() - log_q.float()
    return (lr * lr / 2).to(torch.result_type(log_p, log_q))
