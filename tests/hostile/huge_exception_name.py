# expect: k1=passed k3=failed
# An exception whose class name and message are 10 MB each: the verdict must stay small.
import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    big = type('E' * 10_000_000, (Exception,), {})
    raise big('m' * 10_000_000)
