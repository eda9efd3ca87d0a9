# exercise: grpo_kl
# style: TRL's GRPOTrainer per_token_kl (f2cd577): exp(ref - logp) - (ref - logp) - 1, no clamp
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    return torch.exp(pi_ref_logprob - pi_logprob) - (pi_ref_logprob - pi_logprob) - 1
