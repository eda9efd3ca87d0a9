# exercise: k3
# misses: extremes
# expect: clamped_at_10
# style: verl's kl_penalty "low_var_kl": the log-ratio clamped to [-20, 20] before exp, the value to [-10, 10]
import torch


def k3(log_p, log_q):
    u = torch.clamp(log_p - log_q, -20, 20)  # log r, with r = p / q and samples from q
    return torch.clamp(torch.exp(u) - u - 1, -10, 10)
