# exercise: kl_penalty
# expect: mode_not_handled
# why: a dict of the k-names: kl, mse and low_var_kl raise KeyError
import torch


def kl_penalty(logprob, ref_logprob, mode):
    d = logprob - ref_logprob
    u = (-d).clamp(-20, 20)
    table = {"k1": lambda: d, "abs": lambda: d.abs(), "k2": lambda: 0.5 * d * d,
             "k3": lambda: (torch.exp(u) - u - 1).clamp(-10, 10)}
    base = mode[:-1] if mode.endswith("+") else mode
    value = table[base]()
    if mode.endswith("+"):
        k2 = 0.5 * d * d
        return k2 - k2.detach() + value.detach()
    return value
