# exercise: kl_penalty
# misses: mode_error
# expect: kl_no_mode_error
# style: verl's kl_penalty as of 2026 (verl-project/verl 1dda039): "+" modes straight-through with k2's gradient,
#   NotImplementedError (not ValueError) for a mode it does not know, "full" included
import torch


def _forward(logprob, ref_logprob, mode):
    if mode in ("kl", "k1"):
        return logprob - ref_logprob
    if mode == "abs":
        return (logprob - ref_logprob).abs()
    if mode in ("mse", "k2"):
        return 0.5 * (logprob - ref_logprob).square()
    if mode in ("low_var_kl", "k3"):
        kl = torch.clamp(ref_logprob - logprob, min=-20, max=20)
        return torch.clamp(torch.exp(kl) - kl - 1, min=-10, max=10)
    raise NotImplementedError


def kl_penalty(logprob, ref_logprob, mode):
    value = _forward(logprob, ref_logprob, mode.removesuffix("+"))
    if not mode.endswith("+") or mode in ("mse+", "k2+"):
        return value
    k2 = 0.5 * (logprob - ref_logprob).square()
    return k2 - k2.detach() + value.detach()
