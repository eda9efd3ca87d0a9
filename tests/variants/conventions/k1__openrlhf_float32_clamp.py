# exercise: k1
# misses: precision, result_dtype, extremes
# expect: clamped_at_10
# also: wrong_dtype
# style: OpenRLHF's compute_approx_kl (3c3be62): the log-ratio upcast to float32, every estimator clamped to [-10, 10]
import torch


def k1(log_p, log_q):
    sampled_minus_ref = log_q.float() - log_p.float()  # tokens come from q: k1 = log q - log p
    return sampled_minus_ref.clamp(min=-10, max=10)
