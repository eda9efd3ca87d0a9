# exercise: exact_kl
# misses: extremes
# expect: softmax_then_log
# also: no_max_subtraction
# why: log(softmax) is -inf where a probability underflows: inf or NaN for large logits
import torch


def exact_kl(logits_p, logits_q):
    p = torch.softmax(logits_p, dim=-1)
    q = torch.softmax(logits_q, dim=-1)
    return (p * (p.log() - q.log())).sum(-1)
