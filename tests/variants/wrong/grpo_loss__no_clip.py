# exercise: grpo_loss
# expect: no_clip
# why: the importance-weighted policy gradient without PPO's clip
import torch


def _aggregate(loss, mask, mode):
    masked = loss * mask
    batch = max(loss.shape[0], 1)
    if mode == "token-mean":
        return masked.sum() / mask.sum().clamp(min=1)
    if mode == "seq-mean-token-mean":
        return (masked.sum(-1) / mask.sum(-1).clamp(min=1)).sum() / batch
    if mode == "seq-mean-token-sum":
        return masked.sum(-1).sum() / batch
    if mode == "dr-grpo":
        return masked.sum() / max(loss.numel(), 1)
    raise ValueError(mode)


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, clip_eps=0.2, beta=0.04, mode="seq-mean-token-mean",
              clip_eps_high=None):
    old, ref, a = old_logp.detach(), ref_logp.detach(), advantages.detach()[:, None]
    rho = torch.exp(logp - old)
    lr = ref - logp
    return _aggregate(-rho * a + beta * (lr.exp() - lr - 1), mask, mode)
