# exercise: grpo_kl
# misses: precision, result_dtype, extremes
# expect: clamped_at_10
# also: wrong_dtype
# style: OpenRLHF's compute_approx_kl(log_probs, log_probs_base, "k3") as GRPO's KL: float32, clamped to [-10, 10]
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = pi_logprob.float() - pi_ref_logprob.float()
    return ((-d).exp() - 1 + d).clamp(-10, 10)
