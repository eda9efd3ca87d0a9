# exercise: is_weights
# expect: is_lower_bound
# also: is_no_option_error
# near: extreme_ratios
# why: OpenRLHF's habit of a two-sided truncation, [1 / cap, cap]: small weights are raised
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    real = mask > 0
    u = torch.where(real, logp_train - logp_rollout, torch.zeros_like(logp_train)).detach()
    if level == "sequence":
        u = u.sum(-1, keepdim=True).expand_as(u)
    elif level == "geometric":
        u = (u.sum(-1, keepdim=True) / real.sum(-1, keepdim=True).clamp(min=1)).expand_as(u)
    w = u.exp()
    if mode == "truncate":
        w = w.clamp(min=1.0 / cap, max=cap)
    else:
        w = torch.where((w <= cap) & (w >= 1.0 / cap), w, torch.zeros_like(w))
    return torch.where(real, w, torch.zeros_like(w))
