# exercise: grpo_kl
# expect: wrong_ref_gradient
# why: a wrong gradient returned to pi_ref_logprob
import torch


def grpo_kl(pi_logprob, pi_ref_logprob):
    d = pi_ref_logprob.detach() - pi_logprob
    # The value and the policy's gradient are right; the reference gets a gradient of 1 instead of
    # expm1(d) (the zero added is pi_ref_logprob - pi_ref_logprob, differentiated as 1).
    zero = torch.where(torch.isfinite(pi_ref_logprob), pi_ref_logprob - pi_ref_logprob.detach(), 0.0)
    return torch.expm1(d) - d + zero
