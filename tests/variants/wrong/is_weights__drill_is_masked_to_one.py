# exercise: is_weights
# expect: is_masked_to_one
# why: the drill's style 1 of is_masked_to_one, as a whole submission
import torch


def is_weights(logp_train: torch.Tensor, logp_rollout: torch.Tensor, mask: torch.Tensor, cap: float,
               level: str, mode: str) -> torch.Tensor:
    if level not in ("token", "sequence", "geometric"):
        raise ValueError("level must be token, sequence or geometric")
    if mode not in ("truncate", "mask"):
        raise ValueError("mode must be truncate or mask")
    real = mask > 0
    u = torch.where(real, logp_train - logp_rollout, torch.zeros_like(logp_train)).detach()
    if level == "token":
        log_w = u
    elif level == "sequence":
        log_w = u.sum(-1, keepdim=True).expand_as(u)
    else:
        log_w = (u.sum(-1, keepdim=True) / real.sum(-1, keepdim=True).clamp(min=1)).expand_as(u)
    w = log_w.exp()
    if mode == "truncate":
        w = w.clamp(max=cap)
    else:
        w = w.masked_fill(w > cap, 1.0)
    return torch.where(real, w, torch.zeros_like(w))
