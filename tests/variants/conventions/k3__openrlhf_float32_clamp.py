# exercise: k3
# misses: precision, result_dtype, extremes
# expect: clamped_at_10
# also: wrong_dtype
# style: OpenRLHF's compute_approx_kl (3c3be62), "k3": exp(-d) - 1 + d with d = log q - log p, in float32, clamped to [-10, 10]
import torch


def k3(log_p, log_q):
    d = log_q.float() - log_p.float()
    return ((-d).exp() - 1 + d).clamp(min=-10, max=10)
