# exercise: k2
# misses: precision, result_dtype, extremes
# expect: clamped_at_10
# also: wrong_dtype
# style: OpenRLHF's compute_approx_kl (3c3be62), "k2": float32, then clamped to [-10, 10] (bites once |log r| > 4.47)
import torch


def k2(log_p, log_q):
    d = log_q.float() - log_p.float()
    return (d**2 / 2.0).clamp(min=-10, max=10)
