# exercise: is_weights
# expect: is_modes_swapped
# also: is_no_option_error
# near: option_error
# why: a typo in the mode's name ("truncated"), so "truncate" takes the mask branch, and no check of the options
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    real = mask > 0
    u = torch.where(real, logp_train - logp_rollout, torch.zeros_like(logp_train)).detach()
    if level == "sequence":
        u = u.sum(-1, keepdim=True).expand_as(u)
    elif level == "geometric":
        u = (u.sum(-1, keepdim=True) / real.sum(-1, keepdim=True).clamp(min=1)).expand_as(u)
    w = u.exp()
    if mode == "truncated":
        w = w.clamp(max=cap)
    else:
        w = torch.where(w <= cap, w, torch.zeros_like(w))
    return torch.where(real, w, torch.zeros_like(w))
