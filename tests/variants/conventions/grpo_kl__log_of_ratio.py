# exercise: grpo_kl
# misses: extremes
# expect: overflow_round_trip
# why: log r recomputed as log(exp(log r)): inf once exp underflows
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    r = torch.exp(pi_ref_logprob - pi_logprob)
    return (r - 1) - torch.log(r)
