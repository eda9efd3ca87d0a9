# exercise: kl_penalty
# if/elif on the mode, k3's clamps written with torch.where and minimum/maximum, ref detached.
import torch


def kl_penalty(logprob: torch.Tensor, ref_logprob: torch.Tensor, mode: str) -> torch.Tensor:
    straight = mode.endswith("+")
    name = mode[:-1] if straight else mode
    ref = ref_logprob.detach()
    diff = logprob - ref
    if name in ("k1", "kl"):
        out = diff
    elif name == "abs":
        out = torch.where(diff >= 0, diff, -diff)
    elif name in ("k2", "mse"):
        out = diff.pow(2) * 0.5
    elif name in ("k3", "low_var_kl"):
        u = torch.minimum(torch.maximum(-diff, torch.full_like(diff, -20.0)), torch.full_like(diff, 20.0))
        out = torch.minimum(u.exp() - u - 1, torch.full_like(diff, 10.0))
    else:
        raise ValueError("valid modes: k1 kl abs k2 mse k3 low_var_kl, each optionally with '+'")
    if straight:
        k2 = diff.pow(2) * 0.5
        out = out.detach() - k2.detach() + k2
    return out
