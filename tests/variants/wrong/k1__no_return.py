# exercise: k1
# expect: no_return
# why: the value computed, the return forgotten
import torch


def k1(log_p, log_q):
    kl = log_q - log_p
