# exercise: kl_penalty
# verl's two functions, forward then straight-through, as in core_algos.py.
import torch


def kl_penalty_forward(logprob, ref_logprob, kl_penalty):
    if kl_penalty in ("kl", "k1"):
        return logprob - ref_logprob
    if kl_penalty == "abs":
        return (logprob - ref_logprob).abs()
    if kl_penalty in ("mse", "k2"):
        return 0.5 * (logprob - ref_logprob).square()
    if kl_penalty in ("low_var_kl", "k3"):
        kl = ref_logprob - logprob
        kl = torch.clamp(kl, min=-20, max=20)
        ratio = torch.exp(kl)
        kld = (ratio - kl - 1).contiguous()
        return torch.clamp(kld, min=-10, max=10)
    raise ValueError(f"{kl_penalty}: use one of k1, kl, abs, k2, mse, k3, low_var_kl (or with a '+')")


def kl_penalty(logprob, ref_logprob, mode):
    forward_score = kl_penalty_forward(logprob, ref_logprob, mode.removesuffix("+"))
    if not mode.endswith("+") or mode in ("mse", "k2"):
        return forward_score
    backward_score = 0.5 * (logprob - ref_logprob).square()
    return backward_score - backward_score.detach() + forward_score.detach()
