"""Reference solution: GRPO's clipped surrogate plus its k3 penalty, aggregated."""

import torch


def _grpo_aggregate(loss: torch.Tensor, mask: torch.Tensor, mode: str) -> torch.Tensor:
    # The same four modes as the aggregate_loss exercise (kept here: each file is graded on its own).
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
    raise ValueError(f"unknown mode {mode!r}; the valid modes are token-mean, seq-mean-token-mean, "
                     "seq-mean-token-sum, dr-grpo")


def grpo_loss(logp: torch.Tensor, old_logp: torch.Tensor, ref_logp: torch.Tensor, advantages: torch.Tensor,
              mask: torch.Tensor, clip_eps: float = 0.2, beta: float = 0.04, mode: str = "seq-mean-token-mean",
              clip_eps_high: float | None = None) -> torch.Tensor:
    # old_logp, ref_logp and the advantages come from no_grad passes: no gradient may reach them.
    old_logp, ref_logp = old_logp.detach(), ref_logp.detach()
    adv = advantages.detach()[:, None]  # one advantage per sequence, broadcast over its tokens
    high = clip_eps if clip_eps_high is None else clip_eps_high
    ratio = torch.exp(logp - old_logp)
    surrogate = torch.min(ratio * adv, torch.clamp(ratio, 1 - clip_eps, 1 + high) * adv)
    per_token = -surrogate  # a loss to minimise: the objective maximises the surrogate
    if beta != 0:  # beta = 0 (TRL's default since v0.19; the signature keeps DeepSeekMath's 0.04): no KL term
        log_r = ref_logp - logp  # k3 with r = pi_ref / pi_theta: estimates KL(pi_theta || pi_ref)
        per_token = per_token + beta * (torch.exp(log_r) - log_r - 1)
    return _grpo_aggregate(per_token, mask, mode)  # the KL is inside the aggregation, masked like the rest
