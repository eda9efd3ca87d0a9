# exercise: is_weights
# expect: is_cap_in_log_space
# why: the drill's style 1 of is_cap_in_log_space, as a whole submission
import torch


def is_weights(logp_train: torch.Tensor, logp_rollout: torch.Tensor, mask: torch.Tensor, cap: float,
               level: str, mode: str) -> torch.Tensor:
    if level not in ("token", "sequence", "geometric"):
        raise ValueError("level must be token, sequence or geometric")
    if mode not in ("truncate", "mask"):
        raise ValueError("mode must be truncate or mask")
    real = mask > 0
    u = torch.where(real, logp_train - logp_rollout, torch.zeros_like(logp_train)).detach()
    log_w = u if level == "token" else u.sum(-1, keepdim=True).expand_as(u)
    if level == "geometric":
        log_w = log_w / real.sum(-1, keepdim=True).clamp(min=1)
    too_far = log_w > cap
    w = torch.exp(torch.minimum(log_w, torch.full_like(log_w, cap)))
    if mode == "mask":
        w = w.masked_fill(too_far, 0.0)
    return torch.where(real, w, torch.zeros_like(w))
