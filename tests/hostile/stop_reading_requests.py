# expect: k3=passed k1=failed
# message: k1: timed out after 2 s
# Stops reading the judge's requests once a large one has come (the worker's modules are in sys.modules):
# the next request, larger than the pipe (k1's statistics checks send megabytes), then blocks the judge's
# write. Without a timeout on that write the judge stalled until it was killed at its deadline, and its
# clean-up never ran.
import sys
import time

import torch


def k3(log_p, log_q):
    log_r = log_p - log_q
    return torch.expm1(log_r) - log_r  # honest


def k1(log_p, log_q):
    wire = sys.modules.get('grader.isolation.wire')
    if wire is not None and log_p.numel() > 100_000:
        wire.receive = lambda *args, **kwargs: time.sleep(10 ** 6)
    return log_q - log_p
