# exercise: is_weights
# expect: is_levels_confused
# also: is_no_option_error
# why: "sequence" written as the length-normalised mean (GSPO's ratio), not the product
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    real = mask > 0
    u = torch.where(real, logp_train - logp_rollout, torch.zeros_like(logp_train)).detach()
    if level != "token":
        u = (u.sum(-1, keepdim=True) / real.sum(-1, keepdim=True).clamp(min=1)).expand_as(u)
    w = u.exp()
    w = w.clamp(max=cap) if mode == "truncate" else torch.where(w <= cap, w, torch.zeros_like(w))
    return torch.where(real, w, torch.zeros_like(w))
