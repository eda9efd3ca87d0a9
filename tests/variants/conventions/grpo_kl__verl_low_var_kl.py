# exercise: grpo_kl
# misses: extremes
# expect: clamped_at_10
# style: verl's kl_penalty(logprob, ref_logprob, "low_var_kl") used as GRPO's KL loss (use_kl_loss, kl_loss_type)
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    kl = (pi_ref_logprob - pi_logprob).clamp(min=-20, max=20)
    kld = torch.exp(kl) - kl - 1
    return kld.clamp(min=-10, max=10)
