# exercise: grpo_kl
# expect: stateful
# why: state across calls (a memoised result)
import torch

_memo = {}


def grpo_kl(pi_logprob, pi_ref_logprob):
    # Memoises the result by shape and dtype, as if the inputs never changed.
    key = (tuple(pi_logprob.shape), tuple(pi_ref_logprob.shape), pi_logprob.dtype, pi_logprob.requires_grad)
    if key not in _memo:
        d = pi_ref_logprob - pi_logprob
        _memo[key] = torch.expm1(d) - d
    return _memo[key]
