# exercise: is_weights
# expect: is_padding_counted
# also: is_no_option_error
# near: weight_padding
# why: the sequence's log-ratio summed over all T positions, padding included, then zeroed at padding
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    u = (logp_train - logp_rollout).detach()
    if level == "sequence":
        u = u.sum(-1, keepdim=True).expand_as(u)
    elif level == "geometric":
        u = u.mean(-1, keepdim=True).expand_as(u)
    w = u.exp()
    w = w.clamp(max=cap) if mode == "truncate" else torch.where(w <= cap, w, torch.zeros_like(w))
    return w * mask
