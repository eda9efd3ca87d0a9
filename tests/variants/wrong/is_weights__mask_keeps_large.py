# exercise: is_weights
# expect: is_mask_inverted
# also: is_no_option_error
# why: the mask keeps the weights above the cap and drops the others
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    real = mask > 0
    u = torch.where(real, logp_train - logp_rollout, torch.zeros_like(logp_train)).detach()
    if level == "sequence":
        u = u.sum(-1, keepdim=True).expand_as(u)
    elif level == "geometric":
        u = (u.sum(-1, keepdim=True) / real.sum(-1, keepdim=True).clamp(min=1)).expand_as(u)
    w = u.exp()
    w = w.clamp(max=cap) if mode == "truncate" else torch.where(w > cap, w, torch.zeros_like(w))
    return torch.where(real, w, torch.zeros_like(w))
