# exercise: grpo_advantages
# expect: nondeterministic
# why: noise added to the rewards "to break ties" before normalising: a different answer at every call
import torch


def grpo_advantages(rewards, scale=True, eps=1e-6):
    r = rewards + 1e-3 * torch.randn_like(rewards)
    centred = r - r.mean(-1, keepdim=True)
    if not scale:
        return centred
    if r.shape[-1] < 2:
        return torch.zeros_like(r)
    return centred / (r.std(-1, keepdim=True) + eps)
