# exercise: k2
# expect: not_a_tensor
# why: a list of floats, built in a comprehension
import torch


def k2(log_p, log_q):
    return [0.5 * (p - q) ** 2 for p, q in zip(log_p.flatten().tolist(), log_q.flatten().tolist())]
